// The counter's whole job in a real browser against the real headless app: ring in three items
// (one with required modifiers), pay cash with 50.00 and see the change, the order closes, and
// after a restart of the app process the closed order is still there with the same totals.
import { expect, test } from "@playwright/test";

import { addWithModifiers, apiAs, openTable, signIn, tid } from "./helpers";
import { freshDataDir, startApp } from "./server";

test("three items, cash 50.00, change due, closed, and still there after a restart", async ({ page, request }, info) => {
  const dataDir = freshDataDir();
  let app = await startApp(dataDir);
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await expect(tid(page, "sync-badge")).toContainText("Working on its own");
    await openTable(page, "4");

    // A burger needs its cooking and its side: Add stays off until both are chosen.
    await tid(page, "tile-Classic Burger").click();
    await expect(tid(page, "modifier-missing")).toContainText("Cooking");
    await expect(tid(page, "modifier-add")).toBeDisabled();
    await tid(page, "modifier-Cooking-Medium").click();
    await tid(page, "modifier-Side-Fries").click();
    await tid(page, "modifier-add").click();
    await expect(tid(page, "modifier-dialog")).toHaveCount(0);

    await tid(page, "category-Drinks").click();
    await tid(page, "tile-Cola").click();
    await tid(page, "category-Pizza").click();
    await addWithModifiers(page, "Margherita", [["Size", "Medium"]]);

    await expect(tid(page, "order-line")).toHaveCount(3);
    // 12.50 + 3.00 + 9.50, VAT included.
    await expect(tid(page, "order-total")).toContainText("€25.00");
    await expect(tid(page, "balance-due")).toContainText("€25.00");
    await page.screenshot({ path: info.outputPath("counter-three-items.png") });

    // Pay cash with 50.00.
    await page.keyboard.press("F8");
    await expect(tid(page, "pay-dialog")).toBeVisible();
    await expect(tid(page, "pay-due")).toContainText("€25.00");
    await tid(page, "cash-tendered").fill("50.00");
    await expect(tid(page, "change-due")).toContainText("€25.00");
    await page.screenshot({ path: info.outputPath("counter-pay-cash.png") });
    await tid(page, "pay-validate").click();
    await expect(tid(page, "paid-dialog")).toBeVisible();
    await expect(tid(page, "paid-change")).toContainText("€25.00");
    await page.screenshot({ path: info.outputPath("counter-paid.png") });
    await tid(page, "paid-done").click();

    // The order is closed, in the closed list, with its total.
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-closed").click();
    const closed = tid(page, "closed-order").filter({ hasText: "Table 4" });
    await expect(closed).toHaveCount(1);
    await expect(closed).toContainText("€25.00");
    await page.screenshot({ path: info.outputPath("counter-closed-list.png") });

    const api = await apiAs(request, app.url, "1111");
    const list = await api("list_orders", { status: "closed" });
    expect(list.status).toBe(200);
    expect(list.body.orders).toHaveLength(1);
    const before = await api("get_order", { order_id: list.body.orders[0].order_id });
    expect(before.body.status).toBe("closed");
    expect(before.body.totals.total).toBe(2500);
    expect(before.body.payments[0].method).toEqual({ type: "cash", tendered: 5000, change: 2500 });

    // Restart the app process on the same data: the closed order is still there, same totals.
    await app.stop();
    app = await startApp(dataDir);
    await page.goto(app.url);
    await signIn(page, "1111");
    await tid(page, "orders-button").click();
    await tid(page, "orders-tab-closed").click();
    await expect(tid(page, "closed-order").filter({ hasText: "Table 4" })).toContainText("€25.00");
    const again = await (await apiAs(request, app.url, "1111"))("get_order", { order_id: before.body.order_id });
    expect(again.body.totals).toEqual(before.body.totals);
    expect(again.body.status).toBe("closed");
    expect(again.body.lines).toEqual(before.body.lines);
  } finally {
    await app.stop();
  }
});
