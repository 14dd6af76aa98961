// Starts and stops the real headless app for a test: `comanda --headless --port 0 --data-dir DIR`,
// waiting for its "ready at" line. The same data directory can be reopened to test a restart.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface App {
  url: string;
  /** Where browsers on the LAN open the kitchen board (`--screens-listen`, on loopback here). */
  screensUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

const BIN = process.env.COMANDA_BIN ?? resolve(import.meta.dirname, "../../target/debug/comanda");

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), "comanda-e2e-"));
}

export async function startApp(dataDir: string = freshDataDir(), extra: string[] = []): Promise<App> {
  // No mDNS from tests on the host's network (the discovery test makes a namespace of its own).
  const child: ChildProcess = spawn(BIN, ["--headless", "--port", "0", "--data-dir", dataDir, "--no-mdns", "--screens-listen", "127.0.0.1:0", ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, COMANDA_LOG: process.env.COMANDA_LOG ?? "warn" },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  // COMANDA_E2E_LOGS=1 keeps each process's log in its data directory, to read after a failure.
  if (process.env.COMANDA_E2E_LOGS) child.stderr?.pipe(createWriteStream(join(dataDir, "log.txt")));
  let screensUrl = "";
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`comanda did not start in 30 s:\n${stderr}`)), 30_000);
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      const s = out.match(/Kitchen screens at (http:\/\/[^\s]+)/);
      if (s) screensUrl = s[1];
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
    screensUrl,
    dataDir,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.on("exit", () => ok());
        child.kill("SIGTERM");
      }),
  };
}

const SERVER_BIN = process.env.COMANDA_SERVER_BIN ?? resolve(import.meta.dirname, "../../target/debug/comanda-server");

/** The hub, `comanda-server`, as a real process. */
export interface Hub {
  url: string;
  dataDir: string;
  /** A one-time pairing code for its store. */
  code(): string;
  /** SIGKILL: no goodbye, as a power cut. */
  kill(): Promise<void>;
  /** Starts it again on the same data and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Creates a store on a fresh hub and serves it on 127.0.0.1 (a free port, kept on restart). */
export async function startHub(): Promise<Hub> {
  const dataDir = mkdtempSync(join(tmpdir(), "comanda-hub-"));
  const quiet = { env: { ...process.env, COMANDA_LOG: "warn" } };
  execFileSync(SERVER_BIN, ["admin", "--data-dir", dataDir, "create-store", "--name", "Bistro Centro"], quiet);
  let listen = "127.0.0.1:0";
  let child: ChildProcess | null = null;
  let url = "";
  const serve = async () => {
    child = spawn(SERVER_BIN, ["serve", "--data-dir", dataDir, "--listen", listen], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, COMANDA_LOG: process.env.COMANDA_LOG ?? "warn" },
    });
    const c = child;
    let stderr = "";
    c.stderr?.on("data", (d) => (stderr += String(d)));
    url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`comanda-server did not start:\n${stderr}`)), 30_000);
      let out = "";
      c.stdout?.on("data", (d) => {
        out += String(d);
        const m = out.match(/listening on (https:\/\/[^\s]+)/);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      });
      c.on("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`comanda-server exited with ${code}:\n${stderr}`));
      });
    });
    listen = url.replace("https://", "");
  };
  const stopWith = (signal: NodeJS.Signals) =>
    new Promise<void>((ok) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return ok();
      c.on("exit", () => ok());
      c.kill(signal);
    });
  await serve();
  return {
    get url() {
      return url;
    },
    dataDir,
    code: () =>
      execFileSync(SERVER_BIN, ["admin", "--data-dir", dataDir, "pair-code", "--minutes", "10"], quiet).toString().trim(),
    kill: () => stopWith("SIGKILL"),
    restart: serve,
    stop: () => stopWith("SIGTERM"),
  };
}
