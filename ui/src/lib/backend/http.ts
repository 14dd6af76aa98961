//! The HTTP transport: `POST /api/<name>` with a bearer token, and changes on the WebSocket
//! `/api/ws?token=…`, reconnecting with backoff. After a reconnect it reports a `reload`,
//! since changes may have been missed while it was away.
import type { Change } from "../bindings/Change";
import { backoffDelay } from "./backoff";
import { networkFailure, toFailure, type Backend } from "./types";

/** Options, mainly for tests. */
export interface HttpOptions {
  /** Prefix of the API (default `/api`). */
  base?: string;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
  /** Builds the WebSocket (default the global one); null disables the change stream. */
  socket?: ((url: string) => WebSocket) | null;
  /** The WebSocket URL for a token (default: same host, `ws(s)://…/api/ws?token=`). */
  socketUrl?: (token: string) => string;
}

export class HttpBackend implements Backend {
  private token: string | null = null;
  private readonly listeners = new Set<(c: Change) => void>();
  private readonly base: string;
  private readonly doFetch: typeof fetch;
  private readonly makeSocket: ((url: string) => WebSocket) | null;
  private readonly socketUrl: (token: string) => string;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private everOpen = false;

  constructor(opts: HttpOptions = {}) {
    this.base = opts.base ?? "/api";
    this.doFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.makeSocket = opts.socket === undefined ? (url) => new WebSocket(url) : opts.socket;
    this.socketUrl =
      opts.socketUrl ??
      ((token) => {
        const proto = location.protocol === "https:" ? "wss:" : "ws:";
        return `${proto}//${location.host}${this.base}/ws?token=${encodeURIComponent(token)}`;
      });
  }

  async call<T>(name: string, args: object): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.doFetch(`${this.base}/${encodeURIComponent(name)}`, { method: "POST", headers, body: JSON.stringify(args) });
    } catch {
      throw networkFailure();
    }
    let body: unknown = null;
    const text = await res.text().catch(() => "");
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = res.ok ? null : text;
        if (res.ok) throw toFailure({ code: "internal", message: "The terminal service sent an answer this screen cannot read." }, res.status);
      }
    }
    if (!res.ok) {
      // A proxy with the service down answers 502/503/504 without our error body.
      if (res.status >= 502 && res.status <= 504 && (body === null || typeof body !== "object")) throw networkFailure();
      throw toFailure(body, res.status);
    }
    return body as T;
  }

  onChange(cb: (c: Change) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  setToken(token: string | null): void {
    if (token === this.token) return;
    this.token = token;
    this.disconnect();
    this.attempt = 0;
    this.everOpen = false;
    if (token) this.connect();
  }

  private emit(c: Change): void {
    for (const l of [...this.listeners]) {
      try {
        l(c);
      } catch (e) {
        console.error("change listener failed", e);
      }
    }
  }

  private connect(): void {
    if (!this.makeSocket || !this.token) return;
    const token = this.token;
    let ws: WebSocket;
    try {
      ws = this.makeSocket(this.socketUrl(token));
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      if (this.everOpen) this.emit({ type: "reload" });
      this.everOpen = true;
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== "string") return;
      try {
        const c = JSON.parse(ev.data) as Change;
        if (c && typeof c === "object" && typeof c.type === "string") this.emit(c);
      } catch {
        // A message this build cannot read: refetch everything rather than miss it.
        this.emit({ type: "reload" });
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.schedule();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private schedule(): void {
    if (!this.token || this.timer) return;
    const delay = backoffDelay(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private disconnect(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    }
  }
}
