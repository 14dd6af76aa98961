//! The one interface the UI talks to, whichever transport carries it, and the error it throws.
import type { ApiError } from "../bindings/ApiError";
import type { Change } from "../bindings/Change";
import type { ErrorCode } from "../bindings/ErrorCode";

/** What the UI needs from the terminal service: calls, and a stream of changes. */
export interface Backend {
  /** Calls `name` with `args`; resolves with the JSON answer or rejects with an {@link ApiFailure}. */
  call<T>(name: string, args: object): Promise<T>;
  /** Subscribes to changes; returns the function that unsubscribes. */
  onChange(cb: (c: Change) => void): () => void;
  /** The session token sent with every call (null when signed out). */
  setToken(token: string | null): void;
}

/** Codes this build branches on, plus `network`, which only the client makes. */
export type KnownCode = ErrorCode | "network";

const KNOWN: ReadonlySet<string> = new Set<KnownCode>([
  "invalid_input",
  "malformed_request",
  "payload_too_large",
  "unsupported_media_type",
  "method_not_allowed",
  "not_found",
  "unknown_item",
  "modifier_rules",
  "order_not_open",
  "balance_not_zero",
  "approval_required",
  "approval_denied",
  "unauthorized",
  "wrong_pin",
  "forbidden",
  "conflict",
  "too_many_attempts",
  "not_empty",
  "unreachable",
  "internal",
  "network",
]);

/** A refused or failed call. `code` is one this build knows; an unknown one becomes `internal`,
 *  with the server's code kept in `rawCode` (terminals run mixed versions). */
export class ApiFailure extends Error {
  readonly code: KnownCode;
  readonly rawCode: string;
  readonly field: string | undefined;
  readonly status: number | undefined;

  constructor(code: string, message: string, field?: string | null, status?: number) {
    super(message);
    this.name = "ApiFailure";
    this.rawCode = code;
    this.code = KNOWN.has(code) ? (code as KnownCode) : "internal";
    this.field = field ?? undefined;
    this.status = status;
  }

  /** The error as the bindings describe it. */
  get apiError(): ApiError {
    const code = this.code === "network" ? "internal" : this.code;
    return this.field === undefined ? { code, message: this.message } : { code, message: this.message, field: this.field };
  }
}

/** Turns anything a transport received as an error body into an {@link ApiFailure}. */
export function toFailure(body: unknown, status?: number): ApiFailure {
  if (body !== null && typeof body === "object") {
    const o = body as Record<string, unknown>;
    if (typeof o.code === "string") {
      const message = typeof o.message === "string" && o.message !== "" ? o.message : "Something went wrong. Try again.";
      const field = typeof o.field === "string" ? o.field : undefined;
      return new ApiFailure(o.code, message, field, status);
    }
  }
  if (typeof body === "string" && body !== "") return new ApiFailure("internal", body, undefined, status);
  return new ApiFailure("internal", `The terminal service answered with an error${status ? ` (${status})` : ""}. Try again.`, undefined, status);
}

/** The failure used when the service cannot be reached at all. */
export function networkFailure(): ApiFailure {
  return new ApiFailure("network", "Cannot reach the terminal service. Check it is running, then try again; nothing you typed is lost.");
}

/** Is `e` a failure with this code? */
export function isFailure(e: unknown, code?: KnownCode): e is ApiFailure {
  return e instanceof ApiFailure && (code === undefined || e.code === code);
}

/** A short sentence for any error, for a toast. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiFailure) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return "Something went wrong. Try again.";
}
