// Cancelling an order and voiding a payment in a real browser against the real headless app:
// a cancel is refused while money is held (the server's words show in the dialog); a payment is
// voided with a manager's PIN asked in place (a cashier's PIN refused); the balance comes back;
// the cancel then returns to a fresh counter and the order is listed as cancelled. An order
// with a line sent to the kitchen needs the manager's PIN to cancel.
import { expect, test } from "@playwright/test";

import { apiAs, openTable, signIn, tid, typePin } from "./helpers";
import { startApp } from "./server";

test("a card payment blocks the cancel, is voided with a manager's PIN, then the order is cancelled", async ({ page, request }, info) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await signIn(page, "1111"); // Alex, a cashier
    await openTable(page, "7");
    await tid(page, "category-Drinks").click();
    await tid(page, "tile-Cola").click();
    await tid(page, "tile-Cola").click();
    await expect(tid(page, "line-qty")).toHaveText("2×");
    await expect(tid(page, "order-total")).toContainText("€6.00");

    // Part of it by card: 2.00 of 6.00.
    await page.keyboard.press("F8");
    await expect(tid(page, "pay-dialog")).toBeVisible();
    await tid(page, "pay-method-card").click();
    await tid(page, "card-amount").fill("2.00");
    await tid(page, "card-reference").fill("4821");
    await tid(page, "pay-validate").click();
    await expect(tid(page, "pay-info")).toContainText("€4.00 still due");
    await page.keyboard.press("Escape");
    await expect(tid(page, "pay-dialog")).toHaveCount(0);

    const payment = tid(page, "payment");
    await expect(payment).toHaveCount(1);
    await expect(payment).toContainText("Card · ref 4821");
    await expect(payment).toContainText("€2.00");
    await expect(payment).toContainText("by Alex");
    await expect(tid(page, "balance-due")).toContainText("€4.00");
    await page.screenshot({ path: info.outputPath("payments-list.png") });

    // Cancel is refused while the 2.00 is held: the server's words, nothing changes.
    await tid(page, "cancel-order-button").click();
    await expect(tid(page, "cancel-order-dialog")).toBeVisible();
    await tid(page, "cancel-order-reason-quick").filter({ hasText: "Customer left" }).click();
    await tid(page, "cancel-order-confirm").click();
    await expect(tid(page, "cancel-order-error")).toContainText("void or refund the payments first");
    await expect(tid(page, "approval-dialog")).toHaveCount(0);
    await page.screenshot({ path: info.outputPath("cancel-refused-payments-held.png") });
    await tid(page, "cancel-order-keep").click();
    await expect(tid(page, "cancel-order-dialog")).toHaveCount(0);
    await expect(tid(page, "order-status")).toContainText("Open");
    await expect(tid(page, "balance-due")).toContainText("€4.00");
    await expect(payment).not.toHaveClass(/voided/);

    // Void the payment as a cashier: the manager's PIN in place; Sam's (a cashier) is refused.
    await tid(page, "payment-void").click();
    await expect(tid(page, "void-payment-dialog")).toBeVisible();
    await tid(page, "void-payment-reason-quick").filter({ hasText: "Wrong amount" }).click();
    await page.screenshot({ path: info.outputPath("void-payment-dialog.png") });
    await tid(page, "void-payment-confirm").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await typePin(page, "2222");
    await expect(tid(page, "approval-error")).toBeVisible();
    await page.screenshot({ path: info.outputPath("void-payment-pin-refused.png") });
    await expect(tid(page, "balance-due")).toContainText("€4.00");
    await typePin(page, "9999");
    await expect(tid(page, "approval-dialog")).toHaveCount(0);
    await expect(tid(page, "void-payment-dialog")).toHaveCount(0);
    await expect(payment).toHaveClass(/voided/);
    await expect(tid(page, "payment-void-reason")).toHaveText("Void: Wrong amount · approved by Morgan");
    await expect(tid(page, "payment-void")).toHaveCount(0);
    await expect(tid(page, "balance-due")).toContainText("€6.00");
    await expect(tid(page, "pay-button")).toContainText("€6.00");
    await page.screenshot({ path: info.outputPath("payments-list-voided.png") });

    // Now the cancel goes through (nothing was sent: no PIN), back to a fresh counter.
    await tid(page, "cancel-order-button").click();
    await tid(page, "cancel-order-reason").fill("Customer left without ordering more");
    await page.screenshot({ path: info.outputPath("cancel-order-dialog.png") });
    await tid(page, "cancel-order-confirm").click();
    await expect(tid(page, "cancel-order-dialog")).toHaveCount(0);
    await expect(tid(page, "approval-dialog")).toHaveCount(0);
    await expect(tid(page, "no-order")).toBeVisible();
    await expect(tid(page, "toast").filter({ hasText: "cancelled" })).toBeVisible();
    await expect(tid(page, "orders-button")).toContainText("0");

    // Listed as cancelled, next to the closed ones.
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-closed").click();
    const listed = tid(page, "closed-order").filter({ hasText: "Table 7" });
    await expect(listed).toHaveCount(1);
    await expect(listed).toHaveAttribute("data-status", "cancelled");
    await expect(listed).toContainText("Cancelled");
    await page.screenshot({ path: info.outputPath("closed-list-cancelled.png") });

    const api = await apiAs(request, app.url, "1111");
    const list = await api("list_orders", { status: "cancelled" });
    expect(list.body.orders).toHaveLength(1);
    const o = await api("get_order", { order_id: list.body.orders[0].order_id });
    expect(o.body.status).toBe("cancelled");
    expect(o.body.payments).toHaveLength(1);
    expect(o.body.payments[0].voided).toMatchObject({ reason: "Wrong amount", approved_by: "Morgan", stamp: { by: "Alex" } });
    expect(o.body.cancelled).toMatchObject({ reason: expect.any(String), stamp: { by: "Alex" } });
    expect(o.body.totals.paid).toBe(0);
  } finally {
    await app.stop();
  }
});

test("cancelling an order with a line sent to the kitchen needs the manager's PIN", async ({ page, request }, info) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "8");
    await tid(page, "category-Drinks").click();
    await tid(page, "tile-Cola").click();
    await expect(tid(page, "order-line")).toHaveCount(1);
    await page.keyboard.press("F4");
    await expect(tid(page, "line-sent")).toBeVisible();

    await tid(page, "cancel-order-button").click();
    await expect(tid(page, "cancel-order-sent")).toContainText("manager's PIN");
    // No reason: said next to the field, nothing sent.
    await tid(page, "cancel-order-confirm").click();
    await expect(tid(page, "cancel-order-dialog").getByTestId("field-error-reason")).toContainText("reason");
    await tid(page, "cancel-order-reason-quick").filter({ hasText: "Entered by mistake" }).click();
    await tid(page, "cancel-order-confirm").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await expect(tid(page, "approval-message")).toContainText("kitchen");
    await page.screenshot({ path: info.outputPath("cancel-sent-approval.png") });

    // Closing the PIN dialog leaves the order as it was, and says so.
    await tid(page, "approval-dialog").getByTestId("dialog-close").click();
    await expect(tid(page, "approval-dialog")).toHaveCount(0);
    await expect(tid(page, "cancel-order-error")).toContainText("approval was cancelled");
    await expect(tid(page, "order-status")).toContainText("Open");

    await tid(page, "cancel-order-confirm").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await typePin(page, "9999");
    await expect(tid(page, "approval-dialog")).toHaveCount(0);
    await expect(tid(page, "cancel-order-dialog")).toHaveCount(0);
    await expect(tid(page, "no-order")).toBeVisible();
    await expect(tid(page, "toast").filter({ hasText: "cancelled" })).toBeVisible();

    const api = await apiAs(request, app.url, "1111");
    const list = await api("list_orders", { status: "cancelled" });
    expect(list.body.orders).toHaveLength(1);
    expect(list.body.orders[0].label).toContain("8");
  } finally {
    await app.stop();
  }
});
