//! The application's state above any one mode: the backend, who is signed in, the terminal and
//! its menu, the terminal's clock, and the status badge, refreshed every 10 s and on changes.
import { Api } from "./lib/backend/api";
import { createBackend, isFailure, type Backend } from "./lib/backend";
import { echoes } from "./lib/backend/echoes";
import type { BootstrapView } from "./lib/bindings/BootstrapView";
import type { Change } from "./lib/bindings/Change";
import type { PrinterList } from "./lib/bindings/PrinterList";
import type { DrawerView } from "./lib/bindings/DrawerView";
import type { Money } from "./lib/bindings/Money";
import type { PairTerminal } from "./lib/bindings/PairTerminal";
import type { PairHosted } from "./lib/bindings/PairHosted";
import type { SessionView } from "./lib/bindings/SessionView";
import type { TerminalView } from "./lib/bindings/TerminalView";
import { formatMoney } from "./lib/money/money";

const SESSION_KEY = "comanda.session";
/** How often the status badge is refreshed (ms). */
export const STATUS_EVERY_MS = 10_000;

/** Wraps a backend so that a lost session (`unauthorized`) signs the screen out, and whether
 *  the terminal service answers at all is known to the status strip. */
class GuardedBackend implements Backend {
  constructor(
    private readonly inner: Backend,
    private readonly onUnauthorized: () => void,
    private readonly onReachable: (reachable: boolean) => void,
  ) {}
  async call<T>(name: string, args: object): Promise<T> {
    try {
      const out = await this.inner.call<T>(name, args);
      this.onReachable(true);
      return out;
    } catch (e) {
      this.onReachable(!isFailure(e, "network"));
      if (name !== "login" && name !== "logout" && isFailure(e, "unauthorized")) this.onUnauthorized();
      throw e;
    }
  }
  onChange(cb: (c: Change) => void): () => void {
    return this.inner.onChange(cb);
  }
  setToken(token: string | null): void {
    this.inner.setToken(token);
  }
}

export class AppState {
  api!: Api;
  ready = $state(false);
  startError = $state<string | null>(null);
  session = $state<SessionView | null>(null);
  bootstrap = $state<BootstrapView | null>(null);
  terminal = $state<TerminalView | null>(null);
  /** The store's printers and stations, refreshed with the status while someone is signed in
   *  (the strip warns when one cannot print). */
  printers = $state<PrinterList | null>(null);
  /** This terminal's cash drawer (none when it has none), read with the printers. */
  drawer = $state<DrawerView | null>(null);
  /** False while the terminal service does not answer (the strip says so). */
  reachable = $state(true);
  /** Why the last session ended, for the sign-in screen. */
  signedOutReason = $state<string | null>(null);
  /** Now, on the terminal's clock (ms), ticking. */
  now = $state(Date.now());
  private offset = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private statusQueued = false;
  private queuedChanges: (Change | null)[] = [];

  get currency(): string {
    return this.terminal?.currency ?? this.bootstrap?.terminal.currency ?? "EUR";
  }

  /** Formats minor units in the terminal's currency. */
  money = (minor: Money): string => formatMoney(minor, this.currency);

  async start(): Promise<void> {
    const backend = await createBackend();
    this.api = new Api(
      new GuardedBackend(
        backend,
        () => this.expire(),
        (r) => {
          if (this.reachable !== r) this.reachable = r;
        },
      ),
    );
    backend.onChange((c) => this.onChange(c));
    const saved = sessionStorage.getItem(SESSION_KEY);
    if (saved) {
      try {
        const s = JSON.parse(saved) as SessionView;
        this.session = s;
        this.api.backend.setToken(s.token);
      } catch {
        sessionStorage.removeItem(SESSION_KEY);
      }
    }
    await this.loadBootstrap();
    this.timers.push(setInterval(() => (this.now = Date.now() + this.offset), 1000));
    this.timers.push(setInterval(() => void this.refreshStatus(), STATUS_EVERY_MS));
    this.ready = true;
  }

  async loadBootstrap(): Promise<void> {
    try {
      const b = await this.api.getBootstrap();
      this.bootstrap = b;
      this.setTerminal(b.terminal);
      this.startError = null;
    } catch (e) {
      this.startError = isFailure(e) ? e.message : "Cannot load the menu.";
    }
  }

  async refreshStatus(): Promise<void> {
    if (!this.bootstrap) return this.loadBootstrap(); // the first load failed: try again
    // Asked first, so both calls of a refresh leave together (one burst, not two).
    const printers = this.refreshPrinters();
    try {
      this.setTerminal(await this.api.getStatus());
    } catch {
      /* the badge keeps its last words; calls say what failed */
    }
    await printers;
  }

  /** Reads the printers again (signed in only: the list is for staff), and the drawer's state
   *  when this terminal has one (asked in the same burst). */
  async refreshPrinters(): Promise<void> {
    if (!this.session) return;
    const drawer = this.hasDrawer ? this.refreshDrawer() : null;
    try {
      this.printers = await this.api.listPrinters();
    } catch {
      /* the strip keeps its last words */
    }
    if (drawer) await drawer;
    else if (this.hasDrawer) await this.refreshDrawer(); // a drawer just set up
    else this.drawer = null;
  }

  /** Reads the drawer's state again. */
  async refreshDrawer(): Promise<void> {
    try {
      this.drawer = await this.api.drawerStatus();
    } catch {
      /* the strip keeps its last words */
    }
  }

  /** A receipt printer is plugged into this terminal. */
  get hasReceiptPrinter(): boolean {
    return this.printers?.printers.some((p) => p.here && p.active && p.receipts) ?? false;
  }

  /** A cash drawer is wired to a printer of this terminal. */
  get hasDrawer(): boolean {
    return this.printers?.printers.some((p) => p.here && p.active && p.drawer !== null) ?? false;
  }

  /** Refreshes the badge soon, once for a burst of changes, unless every change of the burst
   *  was the echo of this screen's own calls. */
  queueStatus(c: Change | null = null): void {
    this.queuedChanges.push(c);
    if (this.statusQueued) return;
    this.statusQueued = true;
    setTimeout(() => {
      const changes = this.queuedChanges;
      this.queuedChanges = [];
      this.statusQueued = false;
      if (changes.every((x) => x !== null && echoes.isEcho(x))) return;
      void this.refreshStatus();
    }, 250);
  }

  private setTerminal(t: TerminalView): void {
    this.terminal = t;
    this.offset = t.now_ms - Date.now();
    this.now = t.now_ms;
  }

  private onChange(c: Change): void {
    // The echo of this screen's own call changes nothing the badge shows (checked when the
    // refresh is due: the stream can be faster than the call's answer).
    this.queueStatus(c);
    if (c.type === "catalog" || c.type === "settings" || c.type === "reload") void this.loadBootstrap();
  }

  /** Pairs this terminal with a store (a manager); the menu and staff may change with it. */
  async pair(req: PairTerminal): Promise<void> {
    const t = await this.api.pairTerminal(req);
    this.setTerminal(t);
    await this.loadBootstrap();
  }

  /** Pairs this terminal with the hub it hosts (a manager). */
  async pairWithHostedHub(req: PairHosted): Promise<void> {
    const t = await this.api.pairWithHostedHub(req);
    this.setTerminal(t);
    await this.loadBootstrap();
  }

  /** First run without staff: joins a store on the pairing code; its staff and menu follow. */
  async setupPair(req: PairTerminal): Promise<void> {
    const t = await this.api.setupPair(req);
    this.setTerminal(t);
    await this.loadBootstrap();
  }

  /** First run without staff: the first manager, signed in at once. */
  async createFirstManager(name: string, pin: string): Promise<void> {
    this.startSession(await this.api.createFirstManager({ name, pin }));
    await this.loadBootstrap();
  }

  async login(pin: string, employeeId?: string): Promise<void> {
    this.startSession(await this.api.login(employeeId ? { pin, employee_id: employeeId } : { pin }));
  }

  private startSession(s: SessionView): void {
    this.api.backend.setToken(s.token);
    this.session = s;
    this.signedOutReason = null;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    void this.refreshStatus();
  }

  async logout(): Promise<void> {
    try {
      if (this.session) await this.api.logout();
    } catch {
      /* signed out here either way */
    }
    this.clearSession(null);
  }

  /** The server no longer knows the session. */
  expire(): void {
    if (this.session) this.clearSession("Your session ended. Sign in again.");
  }

  private clearSession(reason: string | null): void {
    this.api.backend.setToken(null);
    this.session = null;
    this.printers = null;
    this.drawer = null;
    this.signedOutReason = reason;
    sessionStorage.removeItem(SESSION_KEY);
  }
}

export const app = new AppState();
