// A manager's "To settle" list in a real browser. Another terminal cancelled an order this one
// had already sent to the kitchen (it had not seen it sent), and sync also brought an event it
// refused: both are written into the store's log while the app is stopped, as sync brings them,
// and the store rebuilds its projections at the next start. The manager finds both under
// Orders › To settle, marks the refused one looked at with a note, opens the order and confirms
// the cancel (the fries are written off as waste): the conflict is gone and the audit says who.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { expect, test } from "@playwright/test";

import { apiAs, signIn, tid } from "./helpers";
import { freshDataDir, startApp } from "./server";

/** A cancel from another terminal (no manager: nothing was sent there) and a refused event. */
function whatSyncBrought(dataDir: string, orderId: string) {
  const script = `
import json, sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
store_id, wall = db.execute("SELECT store_id, max(hlc_wall_ms) FROM events").fetchone()
device = str(uuid.uuid4())
db.execute(
    "INSERT INTO events (id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,"
    " hlc_device, actor, kind, schema, payload) VALUES (?, ?, ?, 1, ?, ?, 0, ?, NULL,"
    " 'OrderCancelled', 2, ?)",
    (str(uuid.uuid4()), store_id, device, "order:" + sys.argv[2], wall + 1000, device,
     json.dumps({"generation": 0, "reason": "guest left"})))
db.execute(
    "INSERT INTO dead_letters (event_id, received_ms, source, reason, raw) VALUES (?, ?, 'sync', ?, '{}')",
    (str(uuid.uuid4()), wall + 2000, "sequence_taken: another event already holds this sequence"))
db.execute("UPDATE device SET projection_version = 0")
db.commit()
`;
  execFileSync("python3", ["-c", script, join(dataDir, "terminal.sqlite"), orderId]);
}

test("a manager settles what sync could not, from the To settle list", async ({ page, request }, info) => {
  const dataDir = freshDataDir();
  let app = await startApp(dataDir);
  let orderId = "";
  try {
    const api = await apiAs(request, app.url, "1111");
    const menu = (await request.post(`${app.url}/api/get_bootstrap`, { data: {} })).json();
    const fries = (await menu).catalog.items.find((i: { name: string }) => i.name === "Fries").id;
    orderId = (await api("open_order", { order_type: { type: "tab", name: "Lee" } })).body.order_id;
    await api("add_line", { order_id: orderId, item_id: fries, qty: 1 });
    await api("fire_order", { order_id: orderId });
  } finally {
    await app.stop();
  }

  whatSyncBrought(dataDir, orderId);
  app = await startApp(dataDir);
  try {
    await page.goto(app.url);
    await signIn(page, "9999");
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-issues").click();
    const issue = tid(page, "issue-order").filter({ hasText: "Lee" });
    await expect(issue).toContainText("Cancelled while the kitchen had 1 item");
    const refused = tid(page, "issue-refused");
    await expect(refused).toContainText("restored from a backup");
    await page.screenshot({ path: info.outputPath("to-settle.png") });

    // The refused event: looked at, with a note; it stays listed, marked, with who.
    await tid(page, "refused-note").fill("Bar terminal restored from last week's backup; paired again");
    await tid(page, "review-refused").click();
    await expect(tid(page, "refused-reviewed")).toContainText("Morgan: Bar terminal restored");

    // The order: opened from the list, settled there.
    await issue.click();
    const conflict = tid(page, "order-conflict").filter({ hasText: "Cancelled while the kitchen had 1 item" });
    await expect(conflict).toBeVisible();
    await tid(page, "settle-cancel").click();
    await expect(tid(page, "settle-cancel-dialog")).toContainText("Fries");
    await tid(page, "settle-cancel-note-quick").first().click();
    await page.screenshot({ path: info.outputPath("settle-cancel.png") });
    await tid(page, "settle-cancel-confirm").click();
    await expect(tid(page, "settle-cancel-dialog")).toHaveCount(0);
    await expect(tid(page, "order-conflict")).toHaveCount(0);
    await expect(tid(page, "approval").filter({ hasText: "Cancel confirmed (waste)" })).toContainText("approved by Morgan");

    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-issues").click();
    await expect(tid(page, "issue-refused")).toHaveCount(1);
    await expect(tid(page, "issue-order")).toHaveCount(0);
  } finally {
    await app.stop();
  }
});
