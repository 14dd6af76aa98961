//! The colour of the sync badge: amber when the oldest waiting event is over 2 min old, red over
//! 15 min (ui.md "Everywhere"); green when online with nothing old waiting.
import type { SyncStatusView } from "../bindings/SyncStatusView";

export type SyncTone = "ok" | "neutral" | "warn" | "bad";

/** Minutes after which waiting events turn the badge amber, then red. */
export const WARN_AFTER_MS = 2 * 60_000;
export const BAD_AFTER_MS = 15 * 60_000;

export function syncTone(s: SyncStatusView, now: number): SyncTone {
  const age = s.waiting > 0 && s.oldest_ms != null ? now - s.oldest_ms : 0;
  if (age > BAD_AFTER_MS) return "bad";
  if (age > WARN_AFTER_MS) return "warn";
  return s.state === "online" ? "ok" : "neutral";
}
