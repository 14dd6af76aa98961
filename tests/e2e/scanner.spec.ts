// A barcode scanner is a keyboard that types fast and ends with Enter: from anywhere but a text
// field, a known code adds its item; an unknown code says so without a modal; typing by hand in
// the search box is never taken for a scan.
import { expect, test } from "@playwright/test";

import { openTable, signIn, tid } from "./helpers";
import { startApp } from "./server";

test("a scanned code adds its item, an unknown one is said, and search typing is not a scan", async ({ page }, info) => {
  const app = await startApp();
  try {
    await page.goto(app.url);
    await signIn(page, "1111");
    await openTable(page, "12");

    // Cola's code, typed at scanner speed.
    await page.keyboard.type("5449000000996", { delay: 5 });
    await page.keyboard.press("Enter");
    await expect(tid(page, "order-line").filter({ hasText: "Cola" })).toHaveCount(1);

    // A code nobody knows: a toast, no dialog, the order unchanged.
    await page.keyboard.type("1234567890123", { delay: 5 });
    await page.keyboard.press("Enter");
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
