// Printers in a real browser against the real headless app and a printer on a real socket: a
// manager adds the fryer's printer, its test page prints, a fire prints the fry ticket once
// (the queue says so), and when the printer runs out of paper the counter's strip says which
// printer and why while the ticket waits, then prints once when the paper is back.
import * as net from "node:net";
import { expect, test } from "@playwright/test";

import { openTable, signIn, tid } from "./helpers";
import { fakePrinter } from "./fake-printer";
import { freshDataDir, startApp } from "./server";

test("a manager adds a printer, tests it, tickets print once, and paper out shows on the counter", async ({ page }, info) => {
  const printer = fakePrinter();
  await new Promise<void>((r) => printer.server.listen(0, "127.0.0.1", () => r()));
  const port = (printer.server.address() as net.AddressInfo).port;
  const app = await startApp(freshDataDir());
  try {
    await page.goto(app.url);
    await signIn(page, "9999");
    await tid(page, "printers-button").click();
    await expect(tid(page, "printers-dialog")).toBeVisible();
    await expect(tid(page, "no-printers")).toBeVisible();
    // Every station of the menu is listed, none with a printer yet.
    await expect(tid(page, "station").filter({ hasText: "fry" })).toContainText("no printer");

    await tid(page, "add-printer").click();
    await tid(page, "printer-name").fill("Fryer");
    await tid(page, "printer-host").fill("127.0.0.1");
    await tid(page, "printer-port").fill(String(port));
    await tid(page, "printer-stations").fill("fry");
    await tid(page, "save-printer").click();
    await expect(tid(page, "printer")).toHaveCount(1);
    await expect(tid(page, "station").filter({ hasText: "fry" })).toContainText("Fryer");

    await tid(page, "test-print").click();
    await expect(tid(page, "test-result")).toContainText("The test page printed.");
    expect(printer.state.paper.toString("latin1")).toContain("TEST PAGE");
    // Its live state: ready after the test page; out of paper when checked again.
    await expect(tid(page, "printer-live-words")).toHaveText("Ready");
    printer.state.paperOut = true;
    await tid(page, "check-printer").click();
    await expect(tid(page, "printer-live-words")).toHaveText("Not ready: the printer is out of paper");
    await page.screenshot({ path: info.outputPath("printers-live-paper-out.png") });
    printer.state.paperOut = false;
    await tid(page, "check-printer").click();
    await expect(tid(page, "printer-live-words")).toHaveText("Ready");
    await page.screenshot({ path: info.outputPath("printers-dialog.png") });
    await page.keyboard.press("Escape");

    // A fire prints the fry ticket.
    await openTable(page, "4");
    await tid(page, "category-Sides").click();
    await tid(page, "tile-Fries").click();
    await tid(page, "send-button").click();
    await expect.poll(() => printer.state.paper.toString("latin1")).toContain("1 x Fries");
    const cuts = () => printer.state.paper.toString("latin1").split("\x1dVA").length - 1;
    await expect.poll(cuts).toBe(2);
    // The counter says the fryer printed it.
    await expect(tid(page, "order-tickets")).toContainText("fry ✓ printed");

    // Out of paper: the next ticket waits, and the strip says which printer and why.
    printer.state.paperOut = true;
    await tid(page, "tile-Onion Rings").click();
    await tid(page, "send-button").click();
    await expect(tid(page, "printer-warning")).toContainText("Fryer: the printer is out of paper", { timeout: 20_000 });
    // The order says its fry ticket is not printed yet.
    await expect(tid(page, "order-ticket-waiting")).toContainText("fry ⚠ not printed: the printer is out of paper");
    await page.screenshot({ path: info.outputPath("printers-paper-out.png") });
    await tid(page, "printers-button").click();
    await expect(tid(page, "print-job").first()).toContainText("Not printed yet");
    await expect(tid(page, "print-job").first()).toContainText("out of paper");
    await page.screenshot({ path: info.outputPath("printers-queue-waiting.png") });

    // Paper back, and the cashier says so: it prints once at once, and the warning goes.
    printer.state.paperOut = false;
    await tid(page, "retry-printer").click();
    await expect.poll(() => printer.state.paper.toString("latin1"), { timeout: 10_000 }).toContain("1 x Onion Rings");
    await page.keyboard.press("Escape");
    await expect.poll(() => printer.state.paper.toString("latin1"), { timeout: 30_000 }).toContain("1 x Onion Rings");
    await expect(tid(page, "printer-warning")).toHaveCount(0, { timeout: 20_000 });
    await expect(tid(page, "order-ticket-waiting")).toHaveCount(0);
    await expect(tid(page, "order-tickets")).not.toContainText("not confirmed");
    expect(cuts()).toBe(3);
  } finally {
    await app.stop();
    printer.server.close();
  }
});
