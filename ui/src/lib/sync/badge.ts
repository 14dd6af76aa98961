//! The colour of the sync badge: amber when the oldest waiting event is over 2 min old, red over
//! 15 min (ui.md "Everywhere"), red when the terminal must be paired again; green when online
//! with nothing old waiting. And which terminal an order was taken on, from its number.
import type { SyncStatusView } from "../bindings/SyncStatusView";

export type SyncTone = "ok" | "neutral" | "warn" | "bad";

/** Minutes after which waiting events turn the badge amber, then red. */
export const WARN_AFTER_MS = 2 * 60_000;
export const BAD_AFTER_MS = 15 * 60_000;

export function syncTone(s: SyncStatusView, now: number): SyncTone {
  if (s.state === "must_pair") return "bad";
  const age = s.waiting > 0 && s.oldest_ms != null ? now - s.oldest_ms : 0;
  if (age > BAD_AFTER_MS) return "bad";
  if (age > WARN_AFTER_MS) return "warn";
  if (s.clock_skew_ms != null || s.refused > 0) return "warn";
  return s.state === "online" ? "ok" : "neutral";
}

/** The terminal an order number was handed out by (`terminal_no * 10000 + k`); 0 before
 *  pairing. */
export function terminalOf(orderNumber: number): number {
  return Math.floor(orderNumber / 10_000);
}

/** "12 s ago", "3 min ago", "2 h ago": how long since a time on the terminal's clock. */
export function ago(now: number, then: number | null): string {
  if (then == null) return "never";
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.round(m / 60)} h ago`;
}
