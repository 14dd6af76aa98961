// Two terminals and a hub as real processes (the `comanda` and `comanda-server` binaries on
// loopback): a manager pairs terminal A in the browser (the demo moved aside, the menu and staff
// brought along), terminal B is paired too; an order taken in A's tab appears in B's tab through
// the hub; the hub is killed with SIGKILL and the next order still arrives, directly from A; the
// hub restarts on its data and every node ends with every order.
import { expect, test, type APIRequestContext } from "@playwright/test";

import { apiAs, openTable, signIn, tid } from "./helpers";
import { freshDataDir, startApp, startHub, type App, type Hub } from "./server";

const PEERS = ["--peer-listen", "127.0.0.1:0"];

async function heldByHub(request: APIRequestContext, hub: Hub): Promise<number> {
  // The hub answers over TLS with its own certificate (terminals pin it; a scraper skips the
  // check, as Prometheus' insecure_skip_verify does).
  const text = await (await request.get(`${hub.url}/metrics`, { ignoreHTTPSErrors: true })).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("comanda_events_held{"))
    .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
}

test("an order taken on one terminal appears on the other, through the hub and without it", async ({ browser, request }, info) => {
  // The terminals' circuit to the killed hub may be open for 30 s when it comes back.
  test.setTimeout(180_000);
  const hub = await startHub();
  const apps: App[] = [];
  try {
    const a = await startApp(freshDataDir(), PEERS);
    apps.push(a);
    const b = await startApp(freshDataDir(), PEERS);
    apps.push(b);

    // A manager pairs terminal A from the sync panel.
    const pageA = await browser.newPage();
    await pageA.goto(a.url);
    await signIn(pageA, "9999");
    await tid(pageA, "sync-open").click();
    await tid(pageA, "pair-address").fill(hub.url);
    await tid(pageA, "pair-code").fill(hub.code());
    await tid(pageA, "pair-name").fill("Counter");
    await pageA.screenshot({ path: info.outputPath("pair-form.png") });
    await tid(pageA, "pair-submit").click();
    // The demo is there: the panel says what pairing does with it before anything happens.
    await expect(tid(pageA, "pair-confirm")).toContainText("archive");
    await pageA.screenshot({ path: info.outputPath("pair-confirm.png") });
    await tid(pageA, "pair-wipe").click();
    await expect(tid(pageA, "terminal-no")).toHaveText("1");
    await expect(tid(pageA, "sync-peer").first()).toHaveAttribute("data-state", /online|connecting/);
    await pageA.screenshot({ path: info.outputPath("paired.png") });
    await tid(pageA, "sync-close").click();

    // Terminal B is paired by its manager over the API; it takes the store's menu and staff.
    const managerB = await apiAs(request, b.url, "9999");
    const paired = await managerB("pair_terminal", { address: hub.url, code: hub.code(), name: "Bar", wipe: true });
    expect(paired.status).toBe(200);
    expect(paired.body.sync.terminal_no).toBe(2);

    const pageB = await browser.newPage();
    await pageB.goto(b.url);
    await signIn(pageB, "2222");

    // An order in A's tab shows up in B's open orders, marked as taken on terminal 1.
    await openTable(pageA, "5");
    await tid(pageA, "category-Drinks").click();
    await tid(pageA, "tile-Cola").click();
    await expect(tid(pageA, "order-line")).toHaveCount(1);
    await expect(tid(pageB, "orders-button")).toContainText("1", { timeout: 15_000 });
    await tid(pageB, "orders-button").click();
    const first = tid(pageB, "open-order").filter({ hasText: "Table 5" });
    await expect(first).toBeVisible();
    await expect(first.getByTestId("order-from-terminal")).toHaveText(/T1/);
    await expect(tid(pageB, "sync-badge")).toContainText("Online");
    await pageB.screenshot({ path: info.outputPath("b-sees-a.png") });

    // The hub dies without a goodbye. The next order still reaches B, directly from A.
    await expect.poll(() => heldByHub(request, hub), { timeout: 15_000 }).toBeGreaterThan(0);
    const beforeKill = await heldByHub(request, hub);
    await hub.kill();
    await openTable(pageA, "6");
    await tid(pageA, "tile-Cola").click();
    await expect(tid(pageA, "order-line")).toHaveCount(1);
    await expect(tid(pageB, "open-order").filter({ hasText: "Table 6" })).toBeVisible({ timeout: 20_000 });
    await pageB.screenshot({ path: info.outputPath("b-sees-a-without-hub.png") });

    // B takes an order too; the hub comes back on its data and gets everything it missed.
    const cashierB = await apiAs(request, b.url, "2222");
    const opened = await cashierB("open_order", { order_type: { type: "dine_in", table: "7", guests: 2 } });
    expect(opened.status).toBe(200);
    await expect(tid(pageA, "orders-button")).toContainText("3", { timeout: 20_000 });
    await tid(pageA, "orders-button").click();
    const fromB = tid(pageA, "open-order").filter({ hasText: "Table 7" });
    await expect(fromB.getByTestId("order-from-terminal")).toHaveText(/T2/);
    await pageA.screenshot({ path: info.outputPath("a-sees-b.png") });
    await hub.restart();
    // What it missed: the order taken on A (opened, a line) and the one taken on B.
    await expect.poll(() => heldByHub(request, hub), { timeout: 120_000 }).toBeGreaterThanOrEqual(beforeKill + 3);
    // Every node holds the same: three open orders on both terminals.
    const cashierA = await apiAs(request, a.url, "2222");
    const listA = (await cashierA("list_orders", { status: "open" })).body.orders.map((o: { number: number }) => o.number).sort();
    const listB = (await cashierB("list_orders", { status: "open" })).body.orders.map((o: { number: number }) => o.number).sort();
    expect(listA).toEqual(listB);
    expect(listA).toEqual([10001, 10002, 20001]);
  } finally {
    for (const app of apps) await app.stop();
    await hub.stop();
  }
});
