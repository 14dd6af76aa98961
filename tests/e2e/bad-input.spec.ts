// Bad input in the browser: the message shows next to what caused it, and nothing changes.
import { expect, test } from "@playwright/test";

import { apiAs, openTable, signIn, tid } from "./helpers";
import { startApp } from "./server";

test("an absurd quantity and a card without reference are refused next to their field, changing nothing", async ({ page, request }, info) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "7");
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    await expect(tid(page, "order-line")).toHaveCount(1);

    const api = await apiAs(request, app.url, "1111");
    const orderId = (await api("list_orders", { status: "open" })).body.orders[0].order_id;
    const before = (await api("get_order", { order_id: orderId })).body;

    // 1000 fries: over the limit of 999.
    await tid(page, "order-line").first().click();
    for (const d of "1000") await tid(page, `numpad-${d}`).click();
    await tid(page, "numpad-qty").click();
    await expect(tid(page, "field-error-qty")).toContainText("from 1 to 999");
    // The whole message shows: the box above the numpad grows with it, nothing is cut off.
    const clipped = await tid(page, "numpad-display").evaluate((e) => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1);
    expect(clipped).toBe(false);
    await expect(tid(page, "line-qty").first()).toContainText("1");
    await page.screenshot({ path: info.outputPath("bad-qty.png") });

    // A card payment needs the card terminal's reference.
    await page.keyboard.press("F8");
    await tid(page, "pay-method-card").click();
    await tid(page, "card-reference").fill("   ");
    await tid(page, "pay-validate").click();
    await expect(tid(page, "field-error-reference")).toBeVisible();
    await page.screenshot({ path: info.outputPath("bad-card-reference.png") });
    await page.keyboard.press("Escape");

    // Nothing changed on the order.
    const after = (await api("get_order", { order_id: orderId })).body;
    expect(after).toEqual(before);
    await expect(tid(page, "balance-due")).toContainText("€4.50");
  } finally {
    await app.stop();
  }
});

test("a wrong PIN is said under the pad and signs nobody in", async ({ page }) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await tid(page, "pin-key-1").waitFor();
    for (const d of "4444") await tid(page, `pin-key-${d}`).click();
    await tid(page, "pin-submit").click();
    await expect(tid(page, "pin-error")).toContainText("not known");
    await expect(tid(page, "employee-name")).toHaveCount(0);
  } finally {
    await app.stop();
  }
});
