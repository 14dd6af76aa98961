// Kitchen screens across real terminals (three `comanda` processes and the hub `comanda-server`,
// on loopback): an order sent at the counter of terminal A shows on the kitchen screens of B and
// C; a bump on B is gone on C, a recall on C is back on both; a cancel at the counter after the
// fire asks a manager, then shows CANCEL on the kitchen; a kitchen terminal that was down while
// orders came catches up with every ticket once; with the hub dead the counter's order still
// reaches both kitchen screens directly; and a kitchen screen that reaches none of its peers
// says in red that tickets may be missing.
import { expect, test, type Page } from "@playwright/test";

import { apiAs, openTable, signIn, tid } from "./helpers";
import { freshDataDir, startApp, startHub, type App } from "./server";

const PEERS = ["--peer-listen", "127.0.0.1:0"];

async function kitchenScreen(page: Page, url: string): Promise<void> {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(url);
  await signIn(page, "2222");
  await tid(page, "mode").click();
  await expect(tid(page, "kitchen")).toBeVisible();
}

test("kitchen screens on two terminals stay one: bump, recall, cancel, a restart that catches up, and a screen cut off", async ({ browser, request }, info) => {
  test.setTimeout(240_000);
  const hub = await startHub();
  const apps: App[] = [];
  try {
    const a = await startApp(freshDataDir(), PEERS);
    const b = await startApp(freshDataDir(), PEERS);
    const c = await startApp(freshDataDir(), PEERS);
    apps.push(a, b, c);
    for (const [app, name] of [
      [a, "Counter"],
      [b, "Grill"],
      [c, "Expo"],
    ] as const) {
      const manager = await apiAs(request, app.url, "9999");
      const paired = await manager("pair_terminal", { address: hub.url, code: hub.code(), name, wipe: true });
      expect(paired.status, JSON.stringify(paired.body)).toBe(200);
    }

    const counter = await browser.newPage();
    await counter.goto(a.url);
    await signIn(counter, "1111");
    const pageB = await browser.newPage();
    await kitchenScreen(pageB, b.url);
    const pageC = await browser.newPage();
    await kitchenScreen(pageC, c.url);
    const cardsB = tid(pageB, "kitchen-ticket");
    const cardsC = tid(pageC, "kitchen-ticket");
    await expect(cardsB).toHaveCount(0);
    // Paired and in touch: no red band.
    await expect(tid(pageB, "kitchen-missing")).toHaveCount(0);

    // The counter sends table 8: fries and a salad, one ticket each, on both kitchen screens.
    await openTable(counter, "8");
    await tid(counter, "category-Sides").click();
    await tid(counter, "tile-Fries").click();
    await tid(counter, "category-Salads").click();
    await tid(counter, "tile-Caesar Salad").click();
    await tid(counter, "send-button").click();
    await expect(cardsB).toHaveCount(2, { timeout: 20_000 });
    await expect(cardsC).toHaveCount(2, { timeout: 20_000 });
    await pageB.screenshot({ path: info.outputPath("b-tickets.png") });

    // B's bump bar bumps the first ticket: gone on C too. C's recall brings it back on both.
    await pageB.keyboard.press("1");
    await pageB.keyboard.press("Enter");
    await expect(cardsB).toHaveCount(1);
    await expect(cardsC).toHaveCount(1, { timeout: 20_000 });
    await pageC.keyboard.press("Backspace");
    await expect(cardsC).toHaveCount(2);
    await expect(cardsB).toHaveCount(2, { timeout: 20_000 });

    // B starts the fry ticket; the counter then cancels the order: a manager must approve, and
    // the kitchen screens show CANCEL.
    await cardsB.filter({ hasText: "FRY" }).getByTestId("kitchen-start").click();
    await expect(cardsC.filter({ hasText: "FRY" })).toContainText("started", { timeout: 20_000 });
    const cashier = await apiAs(request, a.url, "1111");
    const order = (await cashier("list_orders", {})).body.orders.find((o: { label: string }) => o.label.includes("8"));
    const refused = await cashier("cancel_order", { order_id: order.order_id, reason: "guest left" });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("approval_required");
    const cancelled = await cashier("cancel_order", { order_id: order.order_id, reason: "guest left", approval: { pin: "9999" } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await expect(tid(pageB, "kitchen-banner").filter({ hasText: "CANCEL" }).first()).toBeVisible({ timeout: 20_000 });
    await expect(tid(pageC, "kitchen-banner").filter({ hasText: "CANCEL" }).first()).toBeVisible({ timeout: 20_000 });
    await pageB.screenshot({ path: info.outputPath("b-cancel.png") });

    // B goes down; the counter sends table 9 meanwhile. B comes back on its data and shows
    // table 9's ticket once.
    await b.stop();
    const t9 = await cashier("open_order", { order_type: { type: "dine_in", table: "9", guests: 2 } });
    const menu = (await request.post(`${a.url}/api/get_bootstrap`, { data: {} })).json();
    const fries = (await menu).catalog.items.find((i: { name: string }) => i.name === "Fries").id;
    await cashier("add_line", { order_id: t9.body.order_id, item_id: fries, qty: 2 });
    expect((await cashier("fire_order", { order_id: t9.body.order_id })).status).toBe(200);
    await expect(cardsC.filter({ hasText: "Table 9" })).toHaveCount(1, { timeout: 20_000 });
    const b2 = await startApp(b.dataDir, PEERS);
    apps[1] = b2;
    await kitchenScreen(pageB, b2.url);
    await expect(cardsB.filter({ hasText: "Table 9" })).toHaveCount(1, { timeout: 30_000 });
    // Read twice more over a few seconds: still once (a catch-up doubles nothing).
    await pageB.waitForTimeout(3_000);
    await expect(cardsB.filter({ hasText: "Table 9" })).toHaveCount(1);
    const boardB = await (await apiAs(request, b2.url, "2222"))("kitchen_board", {});
    const keys = boardB.body.open.map((t: { notice: string; station: string }) => `${t.notice}:${t.station}`);
    expect(new Set(keys).size).toBe(keys.length);

    // The hub dies: the counter's next order still reaches both kitchen screens, directly.
    await hub.kill();
    const t10 = await cashier("open_order", { order_type: { type: "dine_in", table: "10", guests: 2 } });
    await cashier("add_line", { order_id: t10.body.order_id, item_id: fries, qty: 1 });
    expect((await cashier("fire_order", { order_id: t10.body.order_id })).status).toBe(200);
    await expect(cardsB.filter({ hasText: "Table 10" })).toHaveCount(1, { timeout: 30_000 });
    await expect(cardsC.filter({ hasText: "Table 10" })).toHaveCount(1, { timeout: 30_000 });
    await pageB.screenshot({ path: info.outputPath("b-without-hub.png") });

    // The other terminals go away too: B reaches no peer, and says so in red.
    await a.stop();
    await c.stop();
    await expect(tid(pageB, "kitchen-missing")).toContainText("Tickets from other terminals may be missing", { timeout: 90_000 });
    // It keeps its last state.
    await expect(cardsB.filter({ hasText: "Table 9" })).toHaveCount(1);
    await pageB.screenshot({ path: info.outputPath("b-cut-off.png") });
  } finally {
    for (const app of apps) await app.stop();
    await hub.stop();
  }
});
