// A PIN two people share after two terminals' staff lists merged signs in neither: the sign-in
// screen says so and asks whose it is; the person picked is signed in. The second person is
// written into the store's log while the app is stopped (as sync brings them), with Sam's PIN
// hash copied, so both have PIN 2222.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { expect, test } from "@playwright/test";

import { signIn, tid } from "./helpers";
import { freshDataDir, startApp } from "./server";

function kimWithSamsPin(dataDir: string) {
  const script = `
import json, sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
store_id, wall = db.execute("SELECT store_id, max(hlc_wall_ms) FROM events").fetchone()
(payload,) = db.execute("SELECT payload FROM events WHERE kind = 'EmployeeSaved' AND payload LIKE '%\\"Sam\\"%'").fetchone()
kim = json.loads(payload)
kim["employee_id"] = str(uuid.uuid4())
kim["name"] = "Kim"
device = str(uuid.uuid4())
db.execute(
    "INSERT INTO events (id, store_id, device_id, device_seq, stream, hlc_wall_ms, hlc_counter,"
    " hlc_device, actor, kind, schema, payload) VALUES (?, ?, ?, 1, 'employees', ?, 0, ?, NULL,"
    " 'EmployeeSaved', 2, ?)",
    (str(uuid.uuid4()), store_id, device, wall + 1000, device, json.dumps(kim)))
db.execute("UPDATE device SET projection_version = 0")
db.commit()
`;
  execFileSync("python3", ["-c", script, join(dataDir, "terminal.sqlite")]);
}

test("a PIN two people share asks whose it is, and signs in the one picked", async ({ page }, info) => {
  const dataDir = freshDataDir();
  let app = await startApp(dataDir);
  await app.stop();
  kimWithSamsPin(dataDir);
  app = await startApp(dataDir);
  try {
    await page.goto(app.url);
    await tid(page, "pin-key-1").waitFor();
    for (const d of "2222") await tid(page, `pin-key-${d}`).click();
    await tid(page, "pin-submit").click();
    await expect(tid(page, "pin-error")).toContainText("Kim");
    await expect(tid(page, "pin-error")).toContainText("Sam");
    await expect(tid(page, "pick-name")).toBeVisible();
    await page.screenshot({ path: info.outputPath("pick-name.png") });
    await tid(page, "pick-Kim").click();
    await expect(tid(page, "employee-name")).toHaveText(/Kim/);
    // A manager finds the shared PIN under Orders › To settle, with what to do.
    await tid(page, "lock-button").click();
    await signIn(page, "9999");
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-issues").click();
    const staff = tid(page, "issue-staff");
    await expect(staff).toHaveAttribute("data-kind", "shared_pin");
    await expect(staff).toContainText("Kim");
    await expect(staff).toContainText("new PIN");
    await page.screenshot({ path: info.outputPath("to-settle-shared-pin.png") });
  } finally {
    await app.stop();
  }
});
