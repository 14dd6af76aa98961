// Benchmark helper for `cargo xtask bench` (not a test): time from navigating to a running
// `comanda --headless` to its PIN pad being visible, in Debian's headless Chromium.
// Usage: node tests/e2e/bench-start.mjs http://127.0.0.1:PORT/
// The browser is launched first and not counted. Prints one JSON line:
// {"navigate_to_pin_ms": …}. Exits non-zero when the PIN pad does not appear.

const url = process.argv[2];
if (!url) {
  console.error("usage: node bench-start.mjs <url>");
  process.exit(2);
}

async function loadChromium() {
  try {
    return (await import("playwright-core")).chromium;
  } catch {
    return (await import("@playwright/test")).chromium;
  }
}

const chromium = await loadChromium();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  await page.locator('[data-testid^="pin-key"]').first().waitFor({ state: "visible", timeout: 15000 });
  const t1 = performance.now();
  console.log(JSON.stringify({ navigate_to_pin_ms: Math.round((t1 - t0) * 10) / 10 }));
} catch (e) {
  console.error(`bench-start: the PIN pad did not appear at ${url}: ${e.message.split("\n")[0]}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
