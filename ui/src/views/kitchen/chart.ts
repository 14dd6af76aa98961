// The ticket-times chart's geometry: one bar per station (the median), a whisker to the time nine
// in ten tickets were done within, and a mark at the station's LATE target, on one scale.

import type { StationTimes } from "../../lib/bindings/StationTimes";

export interface Bar {
  station: string;
  /** The station's figures. */
  of: StationTimes;
  /** Bar end, whisker end and target mark, as fractions of the width (0–1). */
  median: number;
  p90: number;
  target: number;
  /** Past its target at the median: the bar is drawn as late. */
  late: boolean;
}

/** The bars, on a scale that shows the longest whisker or target with a little room. */
export function bars(stations: readonly StationTimes[]): Bar[] {
  const top = Math.max(1, ...stations.map((s) => Math.max(s.times.p90_ms, s.late_target_ms))) * 1.1;
  return stations.map((s) => ({
    station: s.station,
    of: s,
    median: s.times.median_ms / top,
    p90: s.times.p90_ms / top,
    target: s.late_target_ms / top,
    late: s.times.count > 0 && s.times.median_ms >= s.late_target_ms,
  }));
}

/** "4:05" for a time in ms (minutes and seconds; hours past an hour). */
export function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The periods a manager picks from, as [from, to) in ms, for a clock at `now`. */
export function period(kind: "today" | "yesterday" | "week", now: number): { from_ms: number; to_ms: number } {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const m = midnight.getTime();
  if (kind === "today") return { from_ms: m, to_ms: now + 1 };
  if (kind === "yesterday") return { from_ms: m - 86_400_000, to_ms: m };
  return { from_ms: m - 6 * 86_400_000, to_ms: now + 1 };
}
