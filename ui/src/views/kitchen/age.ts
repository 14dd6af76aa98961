// How old a kitchen ticket looks: normal, then warning, then late, at the targets of its station
// and order type (the board sends them: 5 and 8 minutes where a manager set none); its timer as
// m:ss.

export type Age = "normal" | "warning" | "late";

export const WARNING_MS = 5 * 60_000;
export const LATE_MS = 8 * 60_000;

/** The colour class of a ticket this old, against its targets. */
export function ageOf(elapsedMs: number, warningMs = WARNING_MS, lateMs = LATE_MS): Age {
  if (elapsedMs >= lateMs) return "late";
  if (elapsedMs >= warningMs) return "warning";
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

/** The tickets of `now` not in `before` (by key): what a chime announces. None on a first read. */
export function arrived(before: ReadonlySet<string> | null, now: readonly string[]): string[] {
  if (!before) return [];
  return now.filter((k) => !before.has(k));
}

/** The page of `index` with `perPage` tickets a page, and how many pages `count` tickets fill. */
export function pageOf(index: number, perPage: number): number {
  return Math.floor(Math.max(0, index) / Math.max(1, perPage));
}

export function pages(count: number, perPage: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, perPage)));
}
