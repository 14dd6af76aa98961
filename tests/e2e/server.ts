// Starts and stops the real headless app for a test: `comanda --headless --port 0 --data-dir DIR`,
// waiting for its "ready at" line. The same data directory can be reopened to test a restart.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface App {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const BIN = process.env.COMANDA_BIN ?? resolve(import.meta.dirname, "../../target/debug/comanda");

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), "comanda-e2e-"));
}

export async function startApp(dataDir: string = freshDataDir()): Promise<App> {
  const child: ChildProcess = spawn(BIN, ["--headless", "--port", "0", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, COMANDA_LOG: process.env.COMANDA_LOG ?? "warn" },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`comanda did not start in 30 s:\n${stderr}`)), 30_000);
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      const m = out.match(/ready at (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1].replace(/\/$/, ""));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`comanda exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.on("exit", () => ok());
        child.kill("SIGTERM");
      }),
  };
}
