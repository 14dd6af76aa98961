// A store without a hub box: terminal A runs with `--host-hub`, so it also hosts the store's hub
// (a real TLS port beside its own). Its manager makes a pairing code from the sync panel, pairs
// A itself with the hub it hosts (the address is filled in), and a second terminal B pairs with
// a code A made; an order taken on A is then seen on B, through the hub A hosts.
import { expect, test } from "@playwright/test";

import { apiAs, signIn, tid } from "./helpers";
import { freshDataDir, startApp, type App } from "./server";

test("a terminal hosting the hub pairs itself and another terminal, which then sees its orders", async ({ page, request }, info) => {
  test.setTimeout(120_000);
  const apps: App[] = [];
  try {
    const a = await startApp(freshDataDir(), ["--host-hub", "127.0.0.1:0", "--peer-listen", "off"]);
    apps.push(a);
    await page.goto(a.url);
    await signIn(page, "9999");
    await tid(page, "sync-open").click();
    const address = (await tid(page, "hub-address").textContent())?.trim() ?? "";
    expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // Not paired yet: no code can be made for the store (its managers are not known here yet);
    // the terminal pairs with the hub it hosts first, by name alone.
    await expect(tid(page, "make-code")).toHaveCount(0);
    await expect(tid(page, "pair-address")).toHaveCount(0);
    await tid(page, "pair-name").fill("Counter");
    await tid(page, "pair-submit").click();
    await tid(page, "pair-wipe").click();
    await expect(tid(page, "terminal-no")).toHaveText("1");
    // Paired (the new store took this terminal's staff, so the session stands): its manager,
    // the store's now, makes codes for the other terminals.
    await tid(page, "make-code").click();
    const made = (await tid(page, "made-code").textContent()) ?? "";
    expect(made).toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/);
    await page.screenshot({ path: info.outputPath("hosting.png") });
    await tid(page, "sync-close").click();

    // B pairs with a code made on A.
    const b = await startApp(freshDataDir(), ["--peer-listen", "off"]);
    apps.push(b);
    const managerA = await apiAs(request, a.url, "9999");
    const second = await managerA("make_pairing_code", {});
    expect(second.status).toBe(200);
    expect(second.body.address).toBe(address);
    const managerB = await apiAs(request, b.url, "9999");
    const paired = await managerB("pair_terminal", { address, code: second.body.code, name: "Bar", wipe: true });
    expect(paired.status).toBe(200);
    expect(paired.body.sync.terminal_no).toBe(2);
    // A terminal that hosts nothing makes no code (B's staff are the store's now: sign in again).
    const managerB2 = await apiAs(request, b.url, "9999");
    const none = await managerB2("make_pairing_code", {});
    expect(none.status).toBe(409);

    // An order taken on A reaches B through the hub A hosts.
    const cashierA = await apiAs(request, a.url, "1111");
    const opened = await cashierA("open_order", { order_type: { type: "tab", name: "Hosted" } });
    expect(opened.status).toBe(200);
    const cashierB = await apiAs(request, b.url, "2222");
    await expect
      .poll(async () => {
        const list = await cashierB("list_orders", {});
        return list.body.orders.map((o: { label: string }) => o.label).join(",");
      }, { timeout: 15_000 })
      .toContain("Hosted");

    // A terminal told to host a hub on a port that is taken says so in its panel, and a code
    // asked of it says why there is none.
    const port = address.split(":").pop();
    const c = await startApp(freshDataDir(), ["--host-hub", `127.0.0.1:${port}`, "--peer-listen", "off"]);
    apps.push(c);
    const managerC = await apiAs(request, c.url, "9999");
    await expect
      .poll(async () => (await managerC("get_status", {})).body.sync.hub_error ?? "", { timeout: 10_000 })
      .toContain("cannot listen");
    const refused = await managerC("make_pairing_code", {});
    expect(refused.status).toBe(502);
    const pageC = await page.context().newPage();
    await pageC.goto(c.url);
    await signIn(pageC, "9999");
    await tid(pageC, "sync-open").click();
    await expect(tid(pageC, "hub-error")).toContainText("cannot listen");
    await pageC.screenshot({ path: info.outputPath("hub-error.png") });
  } finally {
    for (const app of apps) await app.stop();
  }
});
