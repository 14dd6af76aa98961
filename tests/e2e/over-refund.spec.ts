// An over-refund, settled by a manager in a real browser. Two terminals each refunded the same
// card payment while apart: the counter cannot make that happen alone (a refund never passes what
// its payment has left), so the second terminal's events are written into the store's log while
// the app is stopped, as sync will bring them, and the store rebuilds its projections at the next
// start. The manager sees "Refunded €6.00 on a payment of €4.50", settles it (written off, a
// reason): the conflict is gone, the settlement is in the order's approvals, and the 1.50 given
// back past the payment no longer counts, so a comp of the fries brings the order to zero.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { expect, test } from "@playwright/test";

import { apiAs, signIn, tid } from "./helpers";
import { freshDataDir, startApp } from "./server";

/** Appends two refunds of 3.00 against `paymentId` from another terminal to the log, and asks
 *  the store to rebuild its projections at the next start (Python's sqlite3: no extra package). */
function twoRefundsFromAnotherTerminal(dataDir: string, orderId: string, paymentId: string) {
  const script = `
import json, sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
store_id, wall = db.execute("SELECT store_id, max(hlc_wall_ms) FROM events").fetchone()
device = str(uuid.uuid4())
for n in (1, 2):
    payload = {"refund_id": str(uuid.uuid4()), "payment_id": sys.argv[3], "amount": 300,
               "method": {"type": "cash"}, "reason": "cold fries", "approved_by": None}
    db.execute(
        "INSERT INTO events (id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,"
        " hlc_device, actor, kind, schema, payload) VALUES (?, ?, ?, ?, ?, ?, 0, ?, NULL,"
        " 'RefundIssued', 2, ?)",
        (str(uuid.uuid4()), store_id, device, n, "order:" + sys.argv[2], wall + 1000 * n, device,
         json.dumps(payload)))
db.execute("UPDATE device SET projection_version = 0")
db.commit()
`;
  execFileSync("python3", ["-c", script, join(dataDir, "terminal.sqlite"), orderId, paymentId]);
}

test("refunds past their payment from two terminals are settled by a manager", async ({ page, request }, info) => {
  const dataDir = freshDataDir();
  let app = await startApp(dataDir);
  let orderId = "";
  let paymentId = "";
  try {
    const api = await apiAs(request, app.url, "1111");
    const menu = (await request.post(`${app.url}/api/get_bootstrap`, { data: {} })).json();
    const fries = (await menu).catalog.items.find((i: { name: string }) => i.name === "Fries").id;
    orderId = (await api("open_order", { order_type: { type: "takeaway", name: "Kim" } })).body.order_id;
    await api("add_line", { order_id: orderId, item_id: fries, qty: 1 });
    paymentId = "01900000-0000-7000-9000-00000000e2e1";
    const paid = await api("record_payment", { order_id: orderId, payment_id: paymentId, method: { type: "card", reference: "A-1" } });
    expect(paid.body.status).toBe("closed");
  } finally {
    await app.stop();
  }

  twoRefundsFromAnotherTerminal(dataDir, orderId, paymentId);
  app = await startApp(dataDir);
  try {
    await page.goto(app.url);
    await signIn(page, "9999");
    await tid(page, "orders-button").click();
    // 4.50 paid, 6.00 given back: the order has money due again and is listed open.
    await tid(page, "open-order").filter({ hasText: "Kim" }).click();
    const conflict = tid(page, "order-conflict").filter({ hasText: "Refunded €6.00 on a payment of €4.50" });
    await expect(conflict).toBeVisible();
    await page.screenshot({ path: info.outputPath("over-refund.png") });

    await conflict.getByRole("button", { name: "Settle…" }).click();
    await expect(tid(page, "settle-dialog")).toBeVisible();
    await tid(page, "settle-written-off").click();
    await tid(page, "settle-note-quick").filter({ hasText: "Refunded on two terminals" }).click();
    await page.screenshot({ path: info.outputPath("settle-dialog.png") });
    await tid(page, "settle-confirm").click();
    await expect(tid(page, "settle-dialog")).toHaveCount(0);
    await expect(tid(page, "order-conflict").filter({ hasText: "Refunded" })).toHaveCount(0);
    await expect(tid(page, "approval").filter({ hasText: "Over-refund settled" })).toContainText("approved by Morgan");
    // The 1.50 given back past the payment no longer counts: the fries are due, nothing more.
    await expect(tid(page, "over-refund-settled")).toContainText("€1.50");
    await expect(tid(page, "balance-due")).toContainText("€4.50");
    await page.screenshot({ path: info.outputPath("over-refund-settled.png") });
    // The manager comps them: the order is at zero and closed again, nothing stranded.
    await tid(page, "discount-button").click();
    await tid(page, "discount-target-order").click();
    await tid(page, "discount-value").fill("100");
    await tid(page, "discount-reason-quick").first().click();
    await tid(page, "discount-apply").click();
    await expect(tid(page, "order-status")).toContainText("Closed");
    await expect(tid(page, "order-conflict")).toHaveCount(0);

    const api = await apiAs(request, app.url, "9999");
    const o = (await api("get_order", { order_id: orderId })).body;
    expect(o.conflicts.some((c: { type: string }) => c.type === "over_refund")).toBe(false);
    expect(o.refunds).toHaveLength(2);
  } finally {
    await app.stop();
  }
});
