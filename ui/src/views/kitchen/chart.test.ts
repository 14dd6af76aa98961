import { describe, expect, it } from "vitest";
import { bars, minutes, period } from "./chart";

const st = (station: string, median: number, p90: number, target = 480_000, count = 3) => ({
  station,
  times: { count, median_ms: median, p90_ms: p90, max_ms: p90, late: 0 },
  late_target_ms: target,
  open: 0,
});

describe("the ticket-times chart", () => {
  it("puts every station on one scale with room past the longest whisker or target", () => {
    const b = bars([st("fry", 240_000, 600_000), st("cold", 60_000, 60_000)]);
    expect(b[0]!.p90).toBeCloseTo(1 / 1.1);
    expect(b[0]!.median).toBeCloseTo(0.4 / 1.1);
    expect(b[1]!.target).toBeCloseTo(0.8 / 1.1);
    expect(b.every((x) => x.p90 <= 1 && x.target <= 1)).toBe(true);
  });
  it("draws a station late when its median is past its target", () => {
    expect(bars([st("grill", 500_000, 700_000)])[0]!.late).toBe(true);
    expect(bars([st("grill", 100_000, 700_000)])[0]!.late).toBe(false);
    expect(bars([st("grill", 0, 0, 480_000, 0)])[0]!.late).toBe(false);
  });
  it("reads times as m:ss", () => {
    expect(minutes(240_000)).toBe("4:00");
    expect(minutes(65_400)).toBe("1:05");
    expect(minutes(3_725_000)).toBe("1:02:05");
  });
  it("picks today, yesterday and the last seven days from local midnight", () => {
    const now = new Date(2026, 11, 3, 21, 30).getTime();
    const midnight = new Date(2026, 11, 3).getTime();
    expect(period("today", now)).toEqual({ from_ms: midnight, to_ms: now + 1 });
    expect(period("yesterday", now)).toEqual({ from_ms: midnight - 86_400_000, to_ms: midnight });
    expect(period("week", now).from_ms).toBe(midnight - 6 * 86_400_000);
  });
});
