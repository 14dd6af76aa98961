// How old a kitchen ticket looks: normal, then warning at 5 minutes, late at 8 (ui.md, "Kitchen":
// per station later), and its timer as m:ss.

export type Age = "normal" | "warning" | "late";

export const WARNING_MS = 5 * 60_000;
export const LATE_MS = 8 * 60_000;

/** The colour class of a ticket this old. */
export function ageOf(elapsedMs: number): Age {
  if (elapsedMs >= LATE_MS) return "late";
  if (elapsedMs >= WARNING_MS) return "warning";
  return "normal";
}

/** "0:42", "12:05", "1:02:09". */
export function timer(elapsedMs: number): string {
  const s = Math.max(0, Math.floor(elapsedMs / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
