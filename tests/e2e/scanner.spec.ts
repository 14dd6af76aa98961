// A barcode scanner is a keyboard that types fast and ends with Enter: from anywhere but a text
// field, a known code adds its item; an unknown code says so without a modal; typing by hand in
// the search box is never taken for a scan.
import { expect, test } from "@playwright/test";

import type { Page } from "@playwright/test";

import { openTable, signIn, tid } from "./helpers";

/** Types a code the way a scanner does: every key within a millisecond, then Enter. The keys are
 *  dispatched inside the page, so a busy CI machine cannot stretch the gaps between them past the
 *  detector's 30 ms (Playwright's own typing goes through the browser's input queue). */
async function scan(page: Page, code: string) {
  await page.evaluate((c) => {
    for (const key of [...c, "Enter"]) {
      window.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
    }
  }, code);
}
import { startApp } from "./server";

test("a scanned code adds its item, an unknown one is said, and search typing is not a scan", async ({ page }, info) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "12");

    // Cola's code, at scanner speed.
    await scan(page, "5449000000996");
    await expect(tid(page, "order-line").filter({ hasText: "Cola" })).toHaveCount(1);

    // A code nobody knows: a toast, no dialog, the order unchanged.
    await scan(page, "1234567890123");
    await expect(tid(page, "toast-error")).toContainText("1234567890123");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(tid(page, "order-line")).toHaveCount(1);
    await page.screenshot({ path: info.outputPath("scanner.png") });

    // Typing the same digits into the search box searches; it adds nothing.
    await page.keyboard.press("/");
    await expect(tid(page, "search-input")).toBeFocused();
    await page.keyboard.type("5449000000996", { delay: 5 });
    await page.keyboard.press("Enter");
    await expect(tid(page, "order-line")).toHaveCount(1);
  } finally {
    await app.stop();
  }
});
