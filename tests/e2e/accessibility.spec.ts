// Accessibility of every counter state in a real browser against the real headless app: axe-core
// with the WCAG 2.0/2.1/2.2 A and AA rules finds nothing, and every visible button and input is a
// touch target of at least 48×48 px (item tiles and Pay at least 64×64), as ui.md asks.
// A failure names the state, the rule, the elements and what to fix.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { Result } from "axe-core";

import { openTable, signIn, tid } from "./helpers";
import { startApp } from "./server";

const TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];
const SHOTS = process.env.A11Y_SHOTS; // a folder to save a screenshot of each state into, if set

/** Waits until nothing animates (a flashing line or a dialog fading in would skew contrast). */
async function settled(page: Page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
}

/** One axe result in words: rule, impact, what to do, and each element with what fails. */
function describe(r: Result): string {
  const nodes = r.nodes.map((n) => `    ${n.target.join(" ")}\n      ${(n.failureSummary ?? n.any[0]?.message ?? "").replace(/\n\s*/g, " · ")}`);
  return `${r.id} (${r.impact ?? "needs review"}): ${r.help}\n  ${r.helpUrl}\n${nodes.join("\n")}`;
}

/** axe's violations, and the ARIA checks it could not decide (a dangling id reference, a label
 *  where the role allows none). Contrast it cannot decide (a glyph-only key such as ⌫) is left out. */
async function axeFindings(page: Page): Promise<{ violations: string[]; undecided: string[] }> {
  const res = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return {
    violations: res.violations.map(describe),
    undecided: res.incomplete.filter((r) => r.id !== "color-contrast").map(describe),
  };
}

/** Visible buttons, inputs and tabs smaller than 48×48 px (item tiles and Pay: 64×64). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("button, input, textarea, select, [role=tab]")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (getComputedStyle(el).visibility === "hidden" || el.closest("[hidden]") || (el instanceof HTMLInputElement && el.type === "hidden")) continue;
      const testid = el.getAttribute("data-testid") ?? "";
      const id = testid || el.getAttribute("aria-label") || el.textContent?.trim().slice(0, 24) || el.tagName.toLowerCase();
      const min = /^tile-|^pay-button$/.test(testid) ? 64 : 48;
      if (r.width < min - 0.5 || r.height < min - 0.5) bad.push(`${id} is ${Math.round(r.width)}×${Math.round(r.height)} px, needs ${min}×${min}`);
    }
    return bad;
  });
}

// The counter's two sizes (ui.md): a 1280×800 and a 1024×768 screen.
for (const { width, height } of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test(`every counter state passes axe (WCAG 2.2 AA) and has touch-sized targets at ${width}×${height}`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width, height });
    const app = await startApp();
    const checked: string[] = [];
    const check = async (state: string) => {
      await settled(page);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/${width}x${height}-${String(checked.length + 1).padStart(2, "0")}-${state.replace(/\W+/g, "-")}.png` });
      const { violations, undecided } = await axeFindings(page);
      expect.soft(violations, `axe violations in "${state}":\n${violations.join("\n")}`).toEqual([]);
      expect.soft(undecided, `ARIA checks axe could not decide in "${state}":\n${undecided.join("\n")}`).toEqual([]);
      const small = await smallTargets(page);
      expect.soft(small, `targets too small in "${state}":\n  ${small.join("\n  ")}`).toEqual([]);
      checked.push(state);
    };
    try {
      await page.goto(app.url);

      // Sign-in: the PIN pad, then a wrong PIN said under it.
      await tid(page, "pin-key-1").waitFor();
      await check("sign-in");
      for (const d of "4444") await tid(page, `pin-key-${d}`).click();
      await tid(page, "pin-submit").click();
      await expect(tid(page, "pin-error")).toBeVisible();
      await check("sign-in, wrong PIN");

      await signIn(page, "1111");
      await expect(tid(page, "no-order")).toBeVisible();
      await check("counter, no order");

      await openTable(page, "4");
      await check("empty order");

      // The order's label opens the change-type dialog (another table, takeaway or tab).
      await tid(page, "order-label-button").click();
      await expect(tid(page, "change-type-dialog")).toBeVisible();
      await check("change type dialog");
      await tid(page, "change-type-dialog").getByRole("button", { name: "Cancel" }).click();
      await expect(tid(page, "change-type-dialog")).toHaveCount(0);

      // The category tabs are one tab stop; the arrow keys move between them (ARIA tabs).
      await tid(page, "category-Burgers").focus();
      await page.keyboard.press("ArrowRight");
      await expect(tid(page, "category-Pizza")).toBeFocused();
      await expect(tid(page, "category-Pizza")).toHaveAttribute("aria-selected", "true");
      await expect(tid(page, "category-Burgers")).toHaveAttribute("tabindex", "-1");
      await page.keyboard.press("Home");
      await expect(tid(page, "category-Burgers")).toHaveAttribute("aria-selected", "true");

      // A burger: its modifiers dialog.
      await tid(page, "tile-Classic Burger").click();
      await expect(tid(page, "modifier-dialog")).toBeVisible();
      await check("modifiers dialog");
      await tid(page, "modifier-Cooking-Medium").click();
      await tid(page, "modifier-Side-Fries").click();
      await tid(page, "modifier-add").click();
      await expect(tid(page, "modifier-dialog")).toHaveCount(0);

      await tid(page, "category-Drinks").click();
      await tid(page, "tile-Cola").click();
      await tid(page, "category-Pizza").click();
      await tid(page, "tile-Margherita").click();
      await tid(page, "modifier-Size-Medium").click();
      await tid(page, "modifier-add").click();
      await expect(tid(page, "modifier-dialog")).toHaveCount(0);
      await expect(tid(page, "order-line")).toHaveCount(3);
      await check("order with three items");

      // Send, then void the sent burger: the reason, then a manager's PIN in place.
      await page.keyboard.press("F4");
      await expect(tid(page, "line-sent").first()).toBeVisible();
      await tid(page, "order-line").filter({ hasText: "Classic Burger" }).click();
      await page.keyboard.press("Delete");
      await expect(tid(page, "void-dialog")).toBeVisible();
      await tid(page, "void-reason-quick").first().click();
      await check("void dialog");
      await tid(page, "void-confirm").click();
      await expect(tid(page, "approval-dialog")).toBeVisible();
      await check("manager approval dialog");
      for (const d of "9999") await tid(page, `approval-key-${d}`).click();
      await tid(page, "approval-submit").click();
      await expect(tid(page, "approval-dialog")).toHaveCount(0);
      await expect(tid(page, "void-dialog")).toHaveCount(0);

      // A discount.
      await tid(page, "discount-button").click();
      await expect(tid(page, "discount-dialog")).toBeVisible();
      await tid(page, "discount-target-order").click();
      await tid(page, "discount-value").fill("5");
      await tid(page, "discount-reason-quick").first().click();
      await check("discount dialog");
      await tid(page, "discount-apply").click();
      await expect(tid(page, "discount-dialog")).toHaveCount(0);

      // Pay: cash, the card tab, then cash 50.00 and the paid dialog.
      await page.keyboard.press("F8");
      await expect(tid(page, "pay-dialog")).toBeVisible();
      await tid(page, "cash-tendered").fill("50.00");
      await check("pay dialog, cash");
      await tid(page, "pay-method-card").click();
      await expect(tid(page, "card-reference")).toBeVisible();
      await check("pay dialog, card");
      await tid(page, "pay-method-cash").click();
      await tid(page, "cash-tendered").fill("50.00");
      await tid(page, "pay-validate").click();
      await expect(tid(page, "paid-dialog")).toBeVisible();
      await check("paid dialog");
      await tid(page, "paid-done").click();
      await expect(tid(page, "paid-dialog")).toHaveCount(0);

      // The orders lists: one order left open, one closed.
      await openTable(page, "5");
      await tid(page, "category-Drinks").click();
      await tid(page, "tile-Cola").click();
      await tid(page, "orders-button").click();
      await expect(tid(page, "open-order")).toHaveCount(1);
      await check("open orders list");
      await tid(page, "orders-tab-closed").click();
      await expect(tid(page, "closed-order")).toHaveCount(1);
      await check("closed orders list");
      await tid(page, "orders-close").click();

      // Table 5: part paid by card, the payment listed, voided (a manager's PIN), then cancelled.
      await page.keyboard.press("F8");
      await tid(page, "pay-method-card").click();
      await tid(page, "card-amount").fill("1.00");
      await tid(page, "card-reference").fill("4821");
      await tid(page, "pay-validate").click();
      await expect(tid(page, "pay-info")).toBeVisible();
      await page.keyboard.press("Escape");
      await expect(tid(page, "payment")).toHaveCount(1);
      await check("order with a payment");
      // The cola was not served after all: 1.00 paid on nothing, a refund due and its dialog.
      await tid(page, "order-line").filter({ hasText: "Cola" }).click();
      await page.keyboard.press("Delete");
      await tid(page, "void-reason-quick").first().click();
      await tid(page, "void-confirm").click();
      await expect(tid(page, "refund-due")).toBeVisible();
      await check("order with a refund due");
      await page.keyboard.press("F8");
      await expect(tid(page, "refund-dialog")).toBeVisible();
      await tid(page, "refund-reason-quick").first().click();
      await check("refund dialog");
      await page.keyboard.press("Escape");
      await expect(tid(page, "refund-dialog")).toHaveCount(0);
      await tid(page, "payment-void").click();
      await expect(tid(page, "void-payment-dialog")).toBeVisible();
      await tid(page, "void-payment-reason-quick").first().click();
      await check("void payment dialog");
      await tid(page, "void-payment-confirm").click();
      for (const d of "9999") await tid(page, `approval-key-${d}`).click();
      await tid(page, "approval-submit").click();
      await expect(tid(page, "void-payment-dialog")).toHaveCount(0);
      await expect(tid(page, "payment-void-reason")).toBeVisible();
      await tid(page, "cancel-order-button").click();
      await expect(tid(page, "cancel-order-dialog")).toBeVisible();
      await tid(page, "cancel-order-reason-quick").first().click();
      await check("cancel order dialog");
      await tid(page, "cancel-order-confirm").click();
      await expect(tid(page, "no-order")).toBeVisible();
      await tid(page, "orders-button").click();
      await tid(page, "orders-tab-closed").click();
      await expect(tid(page, "closed-order")).toHaveCount(2);
      await check("closed list with a cancelled order");
      await tid(page, "orders-close").click();

      // The keymap (F1).
      await page.locator("body").click({ position: { x: 4, y: height - 4 } });
      await page.keyboard.press("F1");
      await expect(tid(page, "keymap")).toBeVisible();
      await check("F1 keymap");
      await page.keyboard.press("Escape");
      await expect(tid(page, "keymap")).toHaveCount(0);

      expect(checked).toHaveLength(22);
    } finally {
      await app.stop();
    }
  });
}
