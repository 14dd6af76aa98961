// Receipts and the cash drawer in a real browser, against the real headless app and a printer
// on a real socket: a manager sets up the counter's receipt printer with its drawer; a cash
// payment opens the drawer once and prints the receipt asked for, the strip says the drawer is
// open; a copy asked from the closed order says REPRINT; a cashier's "no sale" needs a reason
// and a manager's PIN, and the drawer's last opening names both.
import { expect, test } from "@playwright/test";

import { openTable, signIn, tid, typePin } from "./helpers";
import { fakePrinter, listen } from "./fake-printer";
import { freshDataDir, startApp } from "./server";

test("a cash sale opens the drawer and prints the receipt once; a copy says REPRINT; a no-sale needs a reason and a manager", async ({ page }, info) => {
  const printer = fakePrinter();
  const port = await listen(printer);
  const app = await startApp(freshDataDir());
  const paper = () => printer.state.paper.toString("latin1");
  const cuts = () => paper().split("\x1dVA").length - 1;
  try {
    await page.goto(app.url);
    await signIn(page, "9999");
    await tid(page, "printers-button").click();
    await tid(page, "add-printer").click();
    await tid(page, "printer-name").fill("Counter");
    await tid(page, "printer-host").fill("127.0.0.1");
    await tid(page, "printer-port").fill(String(port));
    await tid(page, "printer-receipts").check();
    await tid(page, "printer-drawer").check();
    await page.screenshot({ path: info.outputPath("printer-form-drawer.png") });
    await tid(page, "save-printer").click();
    await expect(tid(page, "printer")).toContainText("receipts · cash drawer (pin 2)");
    await page.keyboard.press("Escape");
    // The strip shows the drawer, shut.
    await expect(tid(page, "drawer-button")).toHaveText("Drawer");
    await tid(page, "lock-button").click();

    // A cashier sells for cash, receipt on (the default).
    await signIn(page, "1111");
    await openTable(page, "7");
    await tid(page, "category-Drinks").click();
    await tid(page, "tile-Cola").click();
    await expect(tid(page, "order-line")).toHaveCount(1);
    await tid(page, "pay-button").click();
    await expect(tid(page, "pay-receipt")).toBeChecked();
    await tid(page, "cash-tendered").fill("10.00");
    await tid(page, "pay-validate").click();
    await expect(tid(page, "paid-dialog")).toBeVisible();
    await expect(tid(page, "paid-receipt")).toContainText("Receipt printing");
    await expect.poll(() => printer.state.kicks).toBe(1);
    await expect.poll(cuts).toBe(1);
    expect(paper()).toContain("Cola");
    expect(paper()).toContain("Thank you!");
    expect(paper()).not.toContain("REPRINT");
    await expect(tid(page, "drawer-button")).toHaveText("Drawer open", { timeout: 20_000 });
    await page.screenshot({ path: info.outputPath("paid-receipt-drawer-open.png") });
    await tid(page, "paid-done").click();

    // The closed order says its receipt printed; a copy says REPRINT, and opens no drawer.
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-closed").click();
    await tid(page, "closed-order").filter({ hasText: "Table 7" }).click();
    await expect(tid(page, "order-receipt")).toContainText("original ✓ printed");
    await tid(page, "print-receipt").click();
    await expect.poll(cuts).toBe(2);
    expect(paper().split("REPRINT").length - 1).toBe(1);
    await expect(tid(page, "order-receipt")).toHaveCount(2);
    await expect(tid(page, "order-receipt").nth(1)).toContainText("copy ✓ printed");
    expect(printer.state.kicks).toBe(1);
    await page.screenshot({ path: info.outputPath("order-receipts.png") });

    // The drawer is shut by hand; a no-sale needs a reason and a manager's PIN.
    printer.state.drawerOpen = false;
    await tid(page, "drawer-button").click();
    await expect(tid(page, "drawer-dialog")).toBeVisible();
    await expect(tid(page, "drawer-state")).toContainText("Shut");
    await expect(tid(page, "drawer-last")).toContainText("cash sale · Alex");
    await tid(page, "no-sale-confirm").click();
    await expect(tid(page, "drawer-dialog")).toContainText("Choose or type a reason.");
    await tid(page, "no-sale-reason-quick").filter({ hasText: "Change for the till" }).click();
    await page.screenshot({ path: info.outputPath("no-sale-dialog.png") });
    await tid(page, "no-sale-confirm").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await typePin(page, "9999");
    await expect(tid(page, "drawer-dialog")).toHaveCount(0);
    await expect.poll(() => printer.state.kicks).toBe(2);
    await tid(page, "drawer-button").click();
    await expect(tid(page, "drawer-last")).toContainText("no sale: Change for the till · Alex, approved by Morgan", { timeout: 10_000 });
    await expect(tid(page, "drawer-state")).toContainText("Open");
    await page.screenshot({ path: info.outputPath("drawer-after-no-sale.png") });
  } finally {
    await app.stop();
    printer.server.close();
  }
});
