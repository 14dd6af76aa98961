// The kitchen screen in a real browser against the real headless app: an order fired at the
// counter shows as one card per station; the bump bar's keys select, bump and recall; a tap on an
// item bumps it alone; the counter's void shows as a VOID ticket; axe finds nothing on the
// dark screen. Screenshots of a board with several tickets are kept to look at.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { apiAs, openTable, signIn, tid, typePin } from "./helpers";
import { freshDataDir, startApp } from "./server";

/** Every text of the kitchen screen at 7:1 or more against its background (WCAG's enhanced
 *  contrast, axe's `color-contrast-enhanced`): readable from two metres (ui.md, "Kitchen"). */
async function sevenToOne(page: Page): Promise<void> {
  const aaa = await new AxeBuilder({ page }).include('[data-testid="kitchen"]').withRules(["color-contrast-enhanced"]).analyze();
  expect(aaa.violations.map((v) => v.nodes.map((n) => `${n.target.join(" ")}: ${n.any.map((a) => a.message).join("; ")}`).join("\n"))).toEqual([]);
}

test("tickets fired at the counter show on the kitchen screen, bump and recall with the bump bar keys", async ({ page, request }, info) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const app = await startApp(freshDataDir());
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    // Two tables: fries and a salad for table 4, onion rings for table 7.
    await openTable(page, "4");
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    await tid(page, "category-Salads").click();
    await tid(page, "tile-Caesar Salad").click();
    await tid(page, "send-button").click();
    await openTable(page, "7");
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Onion Rings").click();
    await tid(page, "send-button").click();

    // The kitchen screen: one card per station, oldest first.
    await tid(page, "mode").click();
    await expect(tid(page, "kitchen")).toBeVisible();
    const cards = tid(page, "kitchen-ticket");
    await expect(cards).toHaveCount(3);
    // A terminal working on its own misses nothing: no red band.
    await expect(tid(page, "kitchen-missing")).toHaveCount(0);
    await expect(cards.nth(0)).toContainText("Table 4");
    await expect(cards.nth(2)).toContainText("Table 7");
    await expect(cards.nth(2)).toContainText("Onion Rings");
    await expect(tid(page, "kitchen-timer").first()).toHaveText(/^\d+:\d\d$/);
    await page.screenshot({ path: info.outputPath("kitchen-board.png") });
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    // Readable from two metres: every text at 7:1 or more (WCAG's enhanced contrast, ui.md).
    await sevenToOne(page);

    // Bump bar: 3 selects the third card, Enter bumps it, Backspace brings it back.
    await page.keyboard.press("3");
    await page.keyboard.press("Enter");
    await expect(cards).toHaveCount(2);
    await expect(tid(page, "kitchen-count")).toHaveText("2 open");
    await page.keyboard.press("Backspace");
    await expect(cards).toHaveCount(3);
    await expect(cards.nth(2)).toContainText("Onion Rings");

    // The salad's card: its one item tapped is bumped alone, which finishes the ticket.
    const cold = cards.filter({ hasText: "COLD" });
    await cold.getByRole("button", { name: /Bump 1 Caesar Salad/ }).click();
    await expect(cards).toHaveCount(2);

    // Double tap on a card's head bumps it.
    await cards.nth(0).getByTestId("kitchen-select").dblclick();
    await expect(cards).toHaveCount(1);

    // Another terminal's counter (over the API here) voids table 7's onion rings with a manager's
    // approval: a VOID ticket reaches this screen without a touch.
    const api = await apiAs(request, app.url, "1111");
    const orders = await api("list_orders", {});
    const t7 = orders.body.orders.find((o: { label: string }) => o.label.includes("7"));
    const order = await api("get_order", { order_id: t7.order_id });
    const rings = order.body.lines.find((l: { name: string }) => l.name === "Onion Rings");
    const voided = await api("void_line", { order_id: t7.order_id, line_id: rings.line_id, reason: "customer left", approval: { pin: "9999" } });
    expect(voided.status).toBe(200);
    await expect(tid(page, "kitchen-banner")).toHaveText("VOID");
    await sevenToOne(page);
    await page.screenshot({ path: info.outputPath("kitchen-void.png") });
  } finally {
    await app.stop();
  }
});

test("a manager's station times colour the cards, an add-on says so, the keys remap and the board pages", async ({ page, request }, info) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const app = await startApp(freshDataDir());
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "4");
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    await tid(page, "category-Salads").click();
    await tid(page, "tile-Caesar Salad").click();
    await tid(page, "send-button").click();
    // More fries for the same table, sent later: an add-on.
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    await tid(page, "send-button").click();

    await tid(page, "mode").click();
    const cards = tid(page, "kitchen-ticket");
    await expect(cards).toHaveCount(3);
    await expect(cards.nth(2)).toContainText("FRY");
    await expect(cards.nth(2).getByTestId("kitchen-add-on")).toHaveText("ADD-ON");
    await expect(cards.nth(0).getByTestId("kitchen-add-on")).toHaveCount(0);

    // The fry station's times: amber after half a minute, LATE after 36 s (a cashier asks, a
    // manager's PIN approves). The screen's clock is the terminal's: the test waits real time.
    await tid(page, "kitchen-times-open").click();
    await expect(tid(page, "kitchen-times")).toBeVisible();
    await page.getByLabel("fry all orders: amber after, minutes").fill("0.5");
    await page.getByLabel("fry all orders: late after, minutes").fill("0.4");
    await tid(page, "kitchen-times-save").click();
    // LATE before amber is refused, said in the dialog, before any PIN is asked.
    await expect(tid(page, "kitchen-times-error")).toContainText("LATE comes after the warning");
    await page.getByLabel("fry all orders: late after, minutes").fill("0.6");
    await tid(page, "kitchen-times-save").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await typePin(page, "9999");
    await expect(tid(page, "kitchen-times")).toHaveCount(0);

    // The bump bar's bump key moves to B: B bumps, Enter no longer does.
    await tid(page, "kitchen-keys-open").click();
    await tid(page, "kitchen-key-change-bump").click();
    await page.keyboard.press("b");
    await expect(tid(page, "kitchen-key-bump")).toHaveText("B");
    await tid(page, "kitchen-keys-save").click();
    await expect(tid(page, "kitchen-keys")).toHaveCount(0);
    await page.keyboard.press("3");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    await expect(cards).toHaveCount(3);
    await page.keyboard.press("b");
    await expect(cards).toHaveCount(2);
    await expect(tid(page, "kitchen-add-on")).toHaveCount(0);

    // Eight more tickets from the counter (over the API): two pages, PgDn turns to the second.
    const api = await apiAs(request, app.url, "1111");
    const menu = await api("get_bootstrap", {});
    const fries = menu.body.catalog.items.find((i: { name: string }) => i.name === "Fries");
    for (let n = 0; n < 8; n++) {
      const o = await api("open_order", { order_type: { type: "takeaway", name: `Guest ${n}` } });
      await api("add_line", { order_id: o.body.order_id, item_id: fries.id, qty: 1 });
      expect((await api("fire_order", { order_id: o.body.order_id })).status).toBe(200);
    }
    await expect(tid(page, "kitchen-count")).toHaveText("10 open");
    await expect(tid(page, "kitchen-page")).toHaveText("Page 1/2");
    await expect(cards).toHaveCount(8);
    await page.keyboard.press("PageDown");
    await expect(tid(page, "kitchen-page")).toHaveText("Page 2/2");
    await expect(cards).toHaveCount(2);
    await expect(cards.nth(1)).toContainText("Guest 7");
    await page.keyboard.press("PageUp");
    await expect(tid(page, "kitchen-page")).toHaveText("Page 1/2");

    // Past 36 s the table's fry ticket is LATE; its salad, fired with it, is not (5 and 8 minutes).
    const fry = cards.filter({ hasText: "Table 4" }).filter({ hasText: "FRY" });
    await expect(fry).toHaveAttribute("data-age", "late", { timeout: 45_000 });
    await expect(fry.getByTestId("kitchen-timer")).toContainText("LATE");
    await expect(cards.filter({ hasText: "COLD" })).toHaveAttribute("data-age", "normal");
    await sevenToOne(page);
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await page.screenshot({ path: info.outputPath("kitchen-pages.png") });
  } finally {
    await app.stop();
  }
});

test("the expo pass sees a whole order, READY when every station bumped, and sends it out; the manager sees the ticket times", async ({ page }, info) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const app = await startApp(freshDataDir());
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "12");
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    await tid(page, "category-Salads").click();
    await tid(page, "tile-Caesar Salad").click();
    await tid(page, "send-button").click();
    await tid(page, "mode").click();

    const station = tid(page, "kitchen-station");
    const cards = tid(page, "kitchen-ticket");
    await station.selectOption("expo");
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText("Table 12");
    await expect(tid(page, "expo-station")).toHaveText(["○ cold", "○ fry"]);
    await expect(tid(page, "expo-ready")).toHaveCount(0);
    // The pass hurries the order: both stations' tickets are rushed.
    await tid(page, "expo-rush").click();
    await expect(tid(page, "expo-station")).toHaveText(["○ cold RUSH", "○ fry RUSH"]);
    await expect(tid(page, "expo-rush")).toHaveCount(0);

    // The fry cook bumps; then the cold station's.
    await station.selectOption("fry");
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText("RUSH");
    await tid(page, "kitchen-bump").click();
    await expect(cards).toHaveCount(0);
    await station.selectOption("cold");
    await tid(page, "kitchen-bump").click();
    await expect(cards).toHaveCount(0);

    await station.selectOption("expo");
    await expect(tid(page, "expo-station")).toHaveText(["✓ cold", "✓ fry"]);
    await expect(tid(page, "expo-ready")).toHaveText("READY");
    await page.screenshot({ path: info.outputPath("kitchen-expo.png") });
    await sevenToOne(page);
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await tid(page, "kitchen-bump").click();
    await expect(cards).toHaveCount(0);
    // Recall brings the order back to the pass.
    await page.keyboard.press("Backspace");
    await expect(cards).toHaveCount(1);

    // The manager's ticket times: a bar per station (after a manager's PIN), and as a table.
    await tid(page, "kitchen-report-open").click();
    await expect(tid(page, "approval-dialog")).toBeVisible();
    await typePin(page, "9999");
    await expect(tid(page, "report-chart")).toBeVisible();
    await expect(tid(page, "report-chart")).toContainText("fry");
    await expect(tid(page, "report-chart")).toContainText("cold");
    await expect(tid(page, "report-items")).toContainText("Caesar Salad");
    await page.screenshot({ path: info.outputPath("kitchen-report.png") });
    const axeReport = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
    expect(axeReport.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await tid(page, "report-table-toggle").click();
    await expect(tid(page, "report-table")).toContainText("fry");
    await tid(page, "report-yesterday").click();
    await expect(tid(page, "report-empty")).toBeVisible();
  } finally {
    await app.stop();
  }
});

test("the counter sends the starters, holds the mains, and fires them later; the kitchen sees them coming, and the allergy in red", async ({ page }, info) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const app = await startApp(freshDataDir());
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "3");
    await tid(page, "category-Salads").click();
    await tid(page, "tile-Caesar Salad").click();
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    const lines = tid(page, "order-line");
    // The salad is course 1 (one tap), the fries course 2 (typed on the numpad).
    await lines.filter({ hasText: "Caesar Salad" }).click();
    await tid(page, "course-button").click();
    await expect(lines.filter({ hasText: "Caesar Salad" }).getByTestId("line-course")).toHaveText("Course 1");
    await lines.filter({ hasText: "Fries" }).click();
    await tid(page, "numpad-2").click();
    await tid(page, "course-button").click();
    await expect(lines.filter({ hasText: "Fries" }).getByTestId("line-course")).toHaveText("Course 2");

    // The salad's guest is allergic to nuts: said in the line's note dialog, red on the order.
    await lines.filter({ hasText: "Caesar Salad" }).click();
    await tid(page, "note-button").click();
    await page.getByRole("group", { name: "Allergens" }).getByRole("button", { name: "Nuts", exact: true }).click();
    await expect(tid(page, "allergy-input")).toHaveValue("nuts");
    await tid(page, "note-save").click();
    await expect(lines.filter({ hasText: "Caesar Salad" }).getByTestId("line-allergy")).toHaveText("⚠ Allergy: nuts");

    await expect(tid(page, "send-button")).toContainText("Send course 1");
    await tid(page, "send-button").click();
    await expect(lines.filter({ hasText: "Fries" }).getByTestId("line-course")).toHaveText("Course 2 · held");
    await expect(tid(page, "fire-course-2")).toBeVisible();
    await page.screenshot({ path: info.outputPath("counter-course-held.png") });

    // The kitchen: the salad's ticket, the fries on hold beside it; no fry ticket yet.
    await tid(page, "mode").click();
    const cards = tid(page, "kitchen-ticket");
    await expect(cards).toHaveCount(1);
    await expect(cards.first().getByTestId("kitchen-allergy")).toHaveText("⚠ ALLERGY: nuts");
    await page.screenshot({ path: info.outputPath("kitchen-allergy.png") });
    await sevenToOne(page);
    await expect(tid(page, "kitchen-held")).toHaveCount(0);
    // The fry station has no ticket of it yet: a held card says what is coming.
    await expect(tid(page, "kitchen-held-card")).toContainText("FRY · ON HOLD: C2 1 Fries");
    await tid(page, "kitchen-station").selectOption("expo");
    await expect(tid(page, "kitchen-held")).toContainText("C2 1 Fries");
    await tid(page, "kitchen-station").selectOption("");

    // Back at the counter: fire course 2. The fry station gets its ticket, marked as a course.
    await tid(page, "mode").click();
    await tid(page, "fire-course-2").click();
    await expect(lines.filter({ hasText: "Fries" }).getByTestId("line-sent")).toBeVisible();
    await expect(tid(page, "fire-course-2")).toHaveCount(0);
    await tid(page, "mode").click();
    await expect(cards).toHaveCount(2);
    await expect(cards.filter({ hasText: "FRY" }).getByTestId("kitchen-fired-course")).toHaveText("FIRE COURSE 2");
    await expect(tid(page, "kitchen-held-card")).toHaveCount(0);
  } finally {
    await app.stop();
  }
});
