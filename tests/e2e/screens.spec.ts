// A browser on the LAN as a kitchen screen, against the real headless app's screens' address
// (`--screens-listen`, on loopback here): it shows the board read-only; a manager makes a code at
// the counter (Printers → Kitchen screens), the screen is paired with it and bumps; unpaired by
// the manager, it says so and is read-only again. The screens' address never answers the
// counter's API. axe finds nothing on the screen.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

import { apiAs, signIn, tid } from "./helpers";
import { freshDataDir, startApp } from "./server";

test("a LAN browser shows the kitchen board read-only, is paired with a manager's code, bumps, and is unpaired", async ({ page, browser, request }, info) => {
  const app = await startApp(freshDataDir());
  try {
    expect(app.screensUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/screen$/);
    // An order fired at the counter (over the API here).
    const api = await apiAs(request, app.url, "1111");
    const menu = (await request.post(`${app.url}/api/get_bootstrap`, { data: {} })).json();
    const fries = (await menu).catalog.items.find((i: { name: string }) => i.name === "Fries").id;
    const order = await api("open_order", { order_type: { type: "takeaway", name: "Kim" } });
    await api("add_line", { order_id: order.body.order_id, item_id: fries, qty: 2 });
    expect((await api("fire_order", { order_id: order.body.order_id })).status).toBe(200);

    // The screen: the board, read-only (no Bump), and it says so.
    const screen = page;
    await screen.setViewportSize({ width: 1920, height: 1080 });
    await screen.goto(app.screensUrl);
    await expect(tid(screen, "screen-readonly")).toBeVisible();
    const cards = tid(screen, "kitchen-ticket");
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText("Takeaway Kim");
    await expect(tid(screen, "kitchen-bump")).toHaveCount(0);
    // Its address answers no counter call.
    const origin = new URL(app.screensUrl).origin;
    expect((await request.post(`${origin}/api/login`, { data: { pin: "9999" } })).status()).toBe(404);
    expect((await request.post(`${origin}/api/get_bootstrap`, { data: {} })).status()).toBe(404);

    // A manager makes a code at the counter.
    const counter = await (await browser.newContext()).newPage();
    await counter.goto(app.url);
    await signIn(counter, "9999");
    await tid(counter, "printers-button").click();
    await tid(counter, "screen-code-make").click();
    const codeText = await tid(counter, "screen-code").innerText();
    const code = codeText.match(/\d{6}/)?.[0] ?? "";
    expect(code).toHaveLength(6);
    await expect(tid(counter, "screens-address")).toHaveText(app.screensUrl);

    // Typed on the screen with a name: paired; it bumps.
    await tid(screen, "screen-pair-open").click();
    await tid(screen, "screen-code").fill("000000");
    await tid(screen, "screen-name-input").fill("Fry station");
    await tid(screen, "screen-pair-submit").click();
    await expect(tid(screen, "screen-pair-error")).toContainText("wrong or has expired");
    await tid(screen, "screen-code").fill(code);
    await tid(screen, "screen-pair-submit").click();
    await expect(tid(screen, "screen-name")).toHaveText("Kitchen screen · Fry station");
    await expect(tid(screen, "kitchen-bump")).toHaveCount(1);
    await screen.screenshot({ path: info.outputPath("screen-paired.png") });
    const axe = await new AxeBuilder({ page: screen }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await tid(screen, "kitchen-bump").click();
    await expect(cards).toHaveCount(0);
    // The counter's own kitchen board agrees.
    const board = await api("kitchen_board", {});
    expect(board.body.open).toHaveLength(0);

    // The manager unpairs it: the screen says so and is read-only again.
    await tid(counter, "screens-list").click();
    await expect(tid(counter, "paired-screen")).toContainText("Fry station");
    await tid(counter, "paired-screen").getByRole("button", { name: "Unpair" }).click();
    await expect(tid(screen, "screen-unpaired")).toBeVisible({ timeout: 15_000 });
    await expect(tid(screen, "screen-readonly")).toBeVisible();
  } finally {
    await app.stop();
  }
});
