// What a cashier tripped on, tried again in a real browser against the real headless app:
// - paying a table whose lines were never sent sends them (the screen says so before and after);
// - a line voided after a part payment leaves money to give back: "Refund due", a refund with a
//   manager's PIN asked in place, the approver shown, and the order closes;
// - one tap on a tile is one call: the answer is the new view, its echo fetches nothing;
// - the Paid screen keeps the guests, and New sale comes back on the first category;
// - the manager's audit lists the refund with who approved it;
// - no Content-Security-Policy violation anywhere on the way.
import { expect, test, type Request } from "@playwright/test";

import { apiAs, signIn, tid, typePin } from "./helpers";
import { startApp } from "./server";

test("paying unsent lines sends them, a void after a part payment is refunded with a manager's PIN", async ({ page, request }, info) => {
  const app = await startApp();
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) cspViolations.push(m.text());
  });
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await expect(tid(page, "sync-badge")).toContainText("Working on its own");
    await expect(tid(page, "sync-waiting")).toHaveCount(0);

    // Table 12 for 2, two colas and fries, never sent.
    await tid(page, "new-order-button").click();
    await tid(page, "new-order-table").fill("12");
    await tid(page, "new-order-guests").fill("2");
    await tid(page, "new-order-submit").click();
    await expect(tid(page, "empty-order")).toBeVisible();
    // "Table 12 · 2 guests" on one line beside the status and Cancel order.
    const label = await tid(page, "order-label").boundingBox();
    expect(label?.height ?? 99).toBeLessThan(30);
    // The focus ring is blue, not the amber of warnings.
    await tid(page, "search-input").focus();
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineColor);
    expect(ring).toBe("rgb(37, 99, 235)");
    await tid(page, "category-Drinks").click();

    // One tap, one call: count what the page asks the terminal for. The status badge (and the
    // printers' warning, asked in the same burst) also refresh every 10 s: the tap comes right
    // after one of those, so the window below holds only what the tap caused.
    await page.waitForResponse((r) => r.url().endsWith("/api/get_status"), { timeout: 15_000 });
    const calls: string[] = [];
    const onRequest = (r: Request) => {
      if (r.url().includes("/api/")) calls.push(new URL(r.url()).pathname);
    };
    page.on("request", onRequest);
    await tid(page, "tile-Cola").click();
    await expect(tid(page, "order-line")).toHaveCount(1);
    await page.waitForTimeout(1200); // the status badge and lists would have asked by now
    page.off("request", onRequest);
    expect(calls).toEqual(["/api/add_line"]);

    // Tapping the new line (it is already selected) opens nothing.
    await tid(page, "order-line").first().click();
    await expect(tid(page, "modifier-dialog")).toHaveCount(0);
    await tid(page, "tile-Cola").click();
    await expect(tid(page, "line-qty").first()).toContainText("2");

    // Pay 5.00 by card on 6.00: a part payment sends nothing yet.
    await page.keyboard.press("F8");
    await expect(tid(page, "pay-unsent")).toContainText("Cola was never sent to the kitchen");
    await page.screenshot({ path: info.outputPath("pay-unsent-notice.png") });
    await tid(page, "pay-method-card").click();
    await tid(page, "card-amount").fill("5.00");
    await tid(page, "card-reference").fill("A-100");
    await tid(page, "pay-validate").click();
    await expect(tid(page, "pay-info")).toContainText("€1.00 still due");
    await page.keyboard.press("Escape");
    await expect(tid(page, "unsent-count")).toContainText("1");

    // Not served after all: one cola voided. 5.00 paid on 3.00: 2.00 to give back.
    await tid(page, "numpad-minus").click();
    await expect(tid(page, "line-qty").first()).toContainText("1");
    await expect(tid(page, "refund-due")).toContainText("Refund due: €2.00");
    await expect(tid(page, "balance-due")).toContainText("€2.00");
    await expect(tid(page, "pay-button")).toContainText("Refund");
    await page.screenshot({ path: info.outputPath("refund-due.png") });

    // The refund: back to the card, a reason, the manager's PIN asked in place.
    await page.keyboard.press("F8");
    await expect(tid(page, "refund-dialog")).toBeVisible();
    await expect(tid(page, "refund-amount")).toHaveValue("2.00");
    await expect(tid(page, "refund-method-card")).toHaveAttribute("aria-pressed", "true");
    await tid(page, "refund-amount").fill("2.50");
    await tid(page, "refund-reference").fill("R-1");
    await tid(page, "refund-reason-quick").filter({ hasText: "Not served" }).click();
    await tid(page, "refund-confirm").click();
    await expect(tid(page, "field-error-amount")).toContainText("At most €2.00");
    await tid(page, "refund-amount").fill("2.00");
    await page.screenshot({ path: info.outputPath("refund-dialog.png") });
    await tid(page, "refund-confirm").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await typePin(page, "9999");
    await expect(tid(page, "refund-dialog")).toHaveCount(0);

    // Settled: the order closed, the refund listed with its approver, and in the audit.
    await expect(tid(page, "order-status")).toContainText("Closed");
    // Closed by the refund: the fries the kitchen never got were sent with it.
    await expect(tid(page, "unsent-count")).toHaveCount(0);
    await expect(tid(page, "refund-due")).toHaveCount(0);
    await expect(tid(page, "refund")).toContainText("approved by Morgan");
    await expect(tid(page, "approval").filter({ hasText: "Refund" })).toContainText("approved by Morgan");
    await page.screenshot({ path: info.outputPath("refund-done.png") });

    const api = await apiAs(request, app.url, "1111");
    const closed = (await api("list_orders", { status: "closed" })).body.orders;
    expect(closed).toHaveLength(1);
    const o = (await api("get_order", { order_id: closed[0].order_id })).body;
    expect(o.totals.balance).toBe(0);
    expect(o.refunds[0]).toMatchObject({ amount: 200, approved_by: "Morgan", method: { type: "card", reference: "R-1" } });

    // A takeaway paid in full at once: what was never sent goes with the payment, the Paid screen
    // says so and keeps the guests of a table.
    await tid(page, "new-order-button").click();
    await tid(page, "new-order-table").fill("5");
    await tid(page, "new-order-guests").fill("3");
    await tid(page, "new-order-submit").click();
    await tid(page, "category-Drinks").click();
    await tid(page, "tile-Cola").click();
    await tid(page, "tile-Cola").click();
    await page.keyboard.press("F8");
    await tid(page, "cash-exact").click();
    await tid(page, "pay-validate").click();
    await expect(tid(page, "paid-dialog")).toBeVisible();
    await expect(tid(page, "paid-sub")).toContainText("Table 5 · 3 guests");
    await expect(tid(page, "paid-sent")).toContainText("1 item sent to the kitchen");
    await page.screenshot({ path: info.outputPath("paid-sent.png") });
    await tid(page, "paid-done").click();
    // New sale: back on the first category.
    await expect(tid(page, "category-Burgers")).toHaveAttribute("aria-selected", "true");
    const five = (await api("list_orders", { status: "closed" })).body.orders.find((x: { label: string }) => x.label === "Table 5");
    const paid = (await api("get_order", { order_id: five.order_id })).body;
    expect(paid.lines.every((l: { fired: boolean }) => l.fired)).toBe(true);

    // The manager's audit: who approved what, across the store.
    await tid(page, "lock-button").click();
    await signIn(page, "9999");
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-approvals").click();
    const refundEntry = tid(page, "audit-entry").filter({ hasText: "Refund" });
    await expect(refundEntry).toHaveCount(1);
    await expect(refundEntry).toContainText("Table 12");
    await expect(refundEntry).toContainText("by Alex, approved by Morgan");
    await page.screenshot({ path: info.outputPath("audit.png") });

    expect(cspViolations).toEqual([]);
  } finally {
    await app.stop();
  }
});
