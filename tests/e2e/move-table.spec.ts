// Moving an order in a real browser against the real headless app: Table 4 with an item moves to
// table 9 with 3 guests (the header and the open-orders list say so), an empty table name is
// refused next to its field and changes nothing, and the order becomes the tab "Kim".
import { expect, test } from "@playwright/test";

import { apiAs, openTable, signIn, tid } from "./helpers";
import { startApp } from "./server";

test("move a table to another with guests, refuse an empty table, make it a tab", async ({ page, request }, info) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "4");
    await tid(page, "category-Drinks").click();
    await tid(page, "tile-Cola").click();
    await expect(tid(page, "order-line")).toHaveCount(1);
    await expect(tid(page, "order-label")).toHaveText("Table 4");

    // The label is a button; the dialog comes prefilled with the current table.
    const labelButton = tid(page, "order-label-button");
    await expect(labelButton).toContainText("✎");
    expect((await labelButton.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    await labelButton.click();
    await expect(tid(page, "change-type-dialog")).toBeVisible();
    await expect(tid(page, "new-order-type-table")).toHaveAttribute("aria-pressed", "true");
    await expect(tid(page, "new-order-table")).toHaveValue("4");
    await expect(tid(page, "new-order-guests")).toHaveValue("");

    // Table 9, 3 guests.
    await tid(page, "new-order-table").fill("9");
    await tid(page, "new-order-guests").fill("3");
    await page.screenshot({ path: info.outputPath("change-type-dialog.png") });
    await tid(page, "change-type-submit").click();
    await expect(tid(page, "change-type-dialog")).toHaveCount(0);
    await expect(tid(page, "order-label")).toHaveText("Table 9 · 3 guests");
    await expect(tid(page, "order-line")).toHaveCount(1);
    await page.screenshot({ path: info.outputPath("moved-to-table-9.png") });
    await tid(page, "orders-button").click();
    await expect(tid(page, "open-order")).toHaveCount(1);
    // The list shows the server's label, which names the table but not the guests.
    await expect(tid(page, "open-order")).toContainText("#1 · Table 9");
    await expect(tid(page, "open-order")).not.toContainText("Table 4");
    await tid(page, "orders-close").click();

    // An empty table name: the error next to the field, and nothing changes.
    await tid(page, "order-label-button").click();
    await expect(tid(page, "new-order-table")).toHaveValue("9");
    await expect(tid(page, "new-order-guests")).toHaveValue("3");
    await tid(page, "new-order-table").fill("  ");
    await tid(page, "change-type-submit").click();
    await expect(tid(page, "field-error-table")).toBeVisible();
    await expect(tid(page, "new-order-table")).toHaveAttribute("aria-invalid", "true");
    await page.screenshot({ path: info.outputPath("change-type-dialog-error.png") });
    await tid(page, "change-type-dialog").getByRole("button", { name: "Cancel" }).click();
    await expect(tid(page, "change-type-dialog")).toHaveCount(0);
    await expect(tid(page, "order-label")).toHaveText("Table 9 · 3 guests");

    // A tab "Kim".
    await tid(page, "order-label-button").click();
    await tid(page, "new-order-type-tab").click();
    await tid(page, "new-order-tab-name").fill("Kim");
    await tid(page, "change-type-submit").click();
    await expect(tid(page, "change-type-dialog")).toHaveCount(0);
    await expect(tid(page, "order-label")).toHaveText("Tab · Kim");
    await expect(tid(page, "order-line")).toHaveCount(1);
    await tid(page, "orders-button").click();
    await expect(tid(page, "open-order")).toHaveCount(1);
    await expect(tid(page, "open-order")).toContainText("Kim");
    await tid(page, "orders-close").click();

    // What is stored says the same.
    const api = await apiAs(request, app.url, "1111");
    const list = await api("list_orders", { status: "open" });
    expect(list.body.orders).toHaveLength(1);
    const order = await api("get_order", { order_id: list.body.orders[0].order_id });
    expect(order.body.order_type).toEqual({ type: "tab", name: "Kim" });
  } finally {
    await app.stop();
  }
});
