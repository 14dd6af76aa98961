// Drives the counter through a sale in Debian's Chromium and saves screenshots at 1280×800 and
// 1024×768. Usage: node ui/scripts/screenshots.mjs http://127.0.0.1:8787 /tmp/ui-shots
// Needs a server with demo data (PINs 2222 cashier, 9999 manager) serving ui/dist.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://127.0.0.1:8787";
const out = process.argv[3] ?? "/tmp/ui-shots";
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

/** Visible buttons and inputs smaller than 48×48 px (tiles and Pay are checked for 64). */
async function smallTargets(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll("button, input, textarea, [role=tab]")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || el.closest("[hidden]")) continue;
      const id = el.getAttribute("data-testid") ?? el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 20);
      const min = /^tile-|^pay-button$/.test(el.getAttribute("data-testid") ?? "") ? 64 : 48;
      if (r.width < min - 0.5 || r.height < min - 0.5) bad.push(`${id} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return bad;
  });
}

/** Elements whose content overflows them sideways (cut text). */
async function overflow(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll("body *")) {
      const s = getComputedStyle(el);
      if (s.overflowX === "visible" && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && !["svg", "path"].includes(el.tagName.toLowerCase())) {
        bad.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.scrollWidth}>${el.clientWidth}`);
      }
    }
    return bad.slice(0, 10);
  });
}

async function run(width, height) {
  const ctx = await browser.newContext({ viewport: { width, height }, locale: "en-US", timezoneId: "Europe/Madrid" });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.log(`  page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.log(`  console: ${m.text()}`));
  const tag = `${width}x${height}`;
  let n = 0;
  const shot = async (name) => {
    n++;
    const file = join(out, `${tag}-${String(n).padStart(2, "0")}-${name}.png`);
    await page.waitForTimeout(250);
    await page.screenshot({ path: file });
    const small = await smallTargets(page);
    const over = await overflow(page);
    console.log(`${file}${small.length ? `\n  small targets: ${small.join(", ")}` : ""}${over.length ? `\n  overflow: ${over.join(", ")}` : ""}`);
  };
  const t = (id) => page.getByTestId(id);

  await page.goto(base);
  await t("pin-key-1").waitFor();
  await shot("signin");
  for (const d of "1234") await t(`pin-key-${d}`).click();
  await t("pin-submit").click();
  await t("pin-error").waitFor();
  await shot("signin-wrong-pin");
  await page.keyboard.type("2222");
  await page.keyboard.press("Enter");
  await t("no-order").waitFor();
  await shot("counter-no-order");

  // A table order.
  await t("new-order-button").click();
  await t("new-order-table").fill("4");
  await t("new-order-guests").fill("2");
  await shot("new-order");
  await t("new-order-submit").click();
  await t("empty-order").waitFor();
  await shot("empty-order");

  // A burger through the modifiers dialog.
  await t("tile-Classic Burger").click();
  await t("modifier-dialog").waitFor();
  await shot("modifiers-open");
  await t("modifier-Cooking-Medium").click();
  await t("modifier-Side-Sweet potato fries").click();
  await t("modifier-Extras-Bacon").click();
  await shot("modifiers-chosen");
  await t("modifier-add").click();
  await t("modifier-dialog").waitFor({ state: "detached" });

  // Two colas (second tap increments), a pizza.
  await t("category-Drinks").click();
  await t("tile-Cola").click();
  await page.waitForTimeout(150);
  await t("tile-Cola").click();
  await t("category-Pizza").click();
  await t("tile-Margherita").click();
  await t("modifier-Size-Large").click();
  await t("modifier-add").click();
  await t("modifier-dialog").waitFor({ state: "detached" });
  await shot("order-three-items");

  // Cola: select, 3 + Enter.
  await t("order-line").filter({ hasText: "Cola" }).click();
  await page.keyboard.press("3");
  await shot("numpad-typed");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
  // Note on the pizza.
  await t("order-line").filter({ hasText: "Margherita" }).click();
  await t("note-button").click();
  await t("note-input").fill("Well baked");
  await t("note-save").click();
  await t("note-dialog").waitFor({ state: "detached" });
  // Send.
  await page.keyboard.press("F4");
  await t("line-sent").first().waitFor();
  await shot("sent");

  // Void the sent burger: reason, then a manager's PIN in place.
  await t("order-line").filter({ hasText: "Classic Burger" }).click();
  await page.keyboard.press("Delete");
  await t("void-dialog").waitFor();
  await t("void-reason-quick").first().click();
  await shot("void-reason");
  await t("void-confirm").click();
  await t("approval-dialog").waitFor();
  for (const d of "2222") await t(`approval-key-${d}`).click();
  await t("approval-submit").click();
  await t("approval-error").waitFor();
  await shot("approval-denied");
  await page.keyboard.type("9999");
  await page.keyboard.press("Enter");
  await t("approval-dialog").waitFor({ state: "detached" });
  await t("void-dialog").waitFor({ state: "detached" });

  // A discount.
  await t("discount-button").click();
  await t("discount-target-order").click();
  await t("discount-value").fill("5");
  await t("discount-reason-quick").first().click();
  await shot("discount");
  await t("discount-apply").click();
  await t("discount-dialog").waitFor({ state: "detached" });

  // Scanner: an unknown code, then a known one.
  await page.locator("body").click({ position: { x: 5, y: height - 5 } });
  await page.keyboard.type("1234567890123", { delay: 5 });
  await page.keyboard.press("Enter");
  await t("toast-error").first().waitFor();
  await shot("scan-unknown");
  await page.keyboard.type("5449000000996", { delay: 5 });
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  await shot("order-full");

  // Pay cash 50.00.
  await page.keyboard.press("F8");
  await t("pay-dialog").waitFor();
  await t("cash-tendered").fill("50.00");
  await shot("pay-cash");
  await t("pay-method-split").click();
  await shot("pay-split");
  await t("pay-method-card").click();
  await shot("pay-card");
  await t("pay-method-cash").click();
  await t("cash-tendered").fill("50.00");
  await t("pay-validate").click();
  await t("paid-dialog").waitFor();
  await shot("paid");
  await t("paid-done").click();

  // Orders lists.
  await t("orders-button").click();
  await shot("orders-open");
  await t("orders-tab-closed").click();
  await t("closed-order").first().waitFor();
  await shot("orders-closed");
  await t("reopen-button").first().click();
  await shot("reopen");
  await page.keyboard.press("Escape");
  await t("orders-close").click();

  // A tab, split evenly in two.
  await t("new-order-button").click();
  await t("new-order-type-tab").click();
  await t("new-order-tab-name").fill("Sam");
  await t("new-order-submit").click();
  await t("category-Desserts").click();
  await t("tile-Tiramisu").click();
  await t("tile-Cheesecake").click();
  await page.keyboard.press("F8");
  await t("pay-method-split").click();
  await t("split-even-pay").click();
  await shot("pay-split-even-part");
  await t("cash-exact").click();
  await t("pay-validate").click();
  await t("pay-info").waitFor();
  await shot("pay-split-even-next");
  await page.keyboard.press("Escape");

  await page.keyboard.press("F1");
  await shot("keymap");
  await page.keyboard.press("Escape");
  await ctx.close();
}

try {
  await run(1280, 800);
  await run(1024, 768);
} finally {
  await browser.close();
}
