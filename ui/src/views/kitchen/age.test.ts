import { describe, expect, it } from "vitest";

import { ageOf, timer } from "./age";

describe("a kitchen ticket's age", () => {
  it("turns to warning at five minutes and late at eight", () => {
    expect(ageOf(0)).toBe("normal");
    expect(ageOf(5 * 60_000 - 1)).toBe("normal");
    expect(ageOf(5 * 60_000)).toBe("warning");
    expect(ageOf(8 * 60_000 - 1)).toBe("warning");
    expect(ageOf(8 * 60_000)).toBe("late");
  });
  it("reads as m:ss, with hours when it gets that far", () => {
    expect(timer(0)).toBe("0:00");
    expect(timer(42_000)).toBe("0:42");
    expect(timer(12 * 60_000 + 5_000)).toBe("12:05");
    expect(timer(3_729_000)).toBe("1:02:09");
    expect(timer(-5_000)).toBe("0:00");
  });
});
