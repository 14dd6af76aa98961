// A terminal installed without the demo (`--no-demo`) as a new user meets it in Chromium: the
// sign-in screen offers the first-run setup instead of a PIN pad nobody could use. One terminal
// joins a store through a real hub with a pairing code (a wrong code is said next to the code),
// after which the store's staff sign in and its menu is there; another starts a new store with
// its first manager (two PINs that differ are said next to the second), who is signed in at once.
import { expect, test } from "@playwright/test";

import AxeBuilder from "@axe-core/playwright";
import { apiAs, signIn, tid } from "./helpers";
import { freshDataDir, startApp, startHub, type App } from "./server";

test("a terminal without staff joins a store with a pairing code, or starts one with its first manager", async ({ browser, request }, info) => {
  test.setTimeout(120_000);
  const hub = await startHub();
  const apps: App[] = [];
  try {
    // The store's first terminal (with the demo) brings its menu and staff to the hub.
    const a = await startApp(freshDataDir(), ["--peer-listen", "off"]);
    apps.push(a);
    const manager = await apiAs(request, a.url, "9999");
    const paired = await manager("pair_terminal", { address: hub.url, code: hub.code(), name: "Counter", wipe: true });
    expect(paired.status).toBe(200);

    // B: installed without the demo.
    const b = await startApp(freshDataDir(), ["--no-demo", "--peer-listen", "off"]);
    apps.push(b);
    const page = await (await browser.newContext()).newPage();
    await page.goto(b.url);
    await expect(tid(page, "setup")).toBeVisible();
    await expect(tid(page, "pin-key-1")).toHaveCount(0);
    await page.screenshot({ path: info.outputPath("setup.png") });
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    await tid(page, "setup-address").fill(hub.url.replace("https://", ""));
    await tid(page, "setup-code").fill("AAAAA-AAAAA");
    await tid(page, "setup-terminal").fill("Bar");
    await tid(page, "setup-join-submit").click();
    await expect(tid(page, "setup-error-code")).toContainText("not valid");
    await page.screenshot({ path: info.outputPath("setup-wrong-code.png") });
    await tid(page, "setup-code").fill(hub.code());
    await tid(page, "setup-join-submit").click();
    // The store's staff came with the pairing: its manager signs in, and its menu is there.
    await signIn(page, "9999");
    await expect(tid(page, "category-Drinks")).toBeVisible();
    await expect(tid(page, "sync-badge")).toContainText(/Online|Syncing/);

    // C: installed without the demo, a new store.
    const c = await startApp(freshDataDir(), ["--no-demo", "--peer-listen", "off"]);
    apps.push(c);
    const pageC = await browser.newPage();
    await pageC.goto(c.url);
    await tid(pageC, "setup-new").click();
    await tid(pageC, "setup-name").fill("Rosa");
    await tid(pageC, "setup-pin").fill("4242");
    await tid(pageC, "setup-pin-again").fill("4243");
    await tid(pageC, "setup-new-submit").click();
    await expect(tid(pageC, "setup-error-pin-again")).toContainText("differ");
    await pageC.screenshot({ path: info.outputPath("setup-new.png") });
    await tid(pageC, "setup-pin-again").fill("4242");
    await tid(pageC, "setup-new-submit").click();
    await expect(tid(pageC, "employee-name")).toHaveText(/Rosa/);
    await expect(tid(pageC, "no-menu")).toBeVisible();
    await pageC.screenshot({ path: info.outputPath("first-manager.png") });
    // The door is shut behind her: the API refuses a second first manager.
    const again = await request.post(`${c.url}/api/create_first_manager`, { data: { name: "Mallory", pin: "5555" } });
    expect(again.status()).toBe(403);
  } finally {
    for (const app of apps) await app.stop();
    await hub.stop();
  }
});
