import { describe, expect, it } from "vitest";

import { ageOf, arrived, pageOf, pages, timer } from "./age";

describe("a kitchen ticket's age", () => {
  it("turns to warning at five minutes and late at eight where no target is set", () => {
    expect(ageOf(0)).toBe("normal");
    expect(ageOf(5 * 60_000 - 1)).toBe("normal");
    expect(ageOf(5 * 60_000)).toBe("warning");
    expect(ageOf(8 * 60_000 - 1)).toBe("warning");
    expect(ageOf(8 * 60_000)).toBe("late");
  });
  it("follows its station's targets", () => {
    expect(ageOf(60_000, 60_000, 120_000)).toBe("warning");
    expect(ageOf(119_999, 60_000, 120_000)).toBe("warning");
    expect(ageOf(120_000, 60_000, 120_000)).toBe("late");
    expect(ageOf(6 * 60_000, 10 * 60_000, 15 * 60_000)).toBe("normal");
  });
  it("reads as m:ss, with hours when it gets that far", () => {
    expect(timer(0)).toBe("0:00");
    expect(timer(42_000)).toBe("0:42");
    expect(timer(12 * 60_000 + 5_000)).toBe("12:05");
    expect(timer(3_729_000)).toBe("1:02:09");
    expect(timer(-5_000)).toBe("0:00");
  });
});

describe("new tickets and pages", () => {
  it("chimes for tickets not seen before, never for the first read", () => {
    expect(arrived(null, ["a", "b"])).toEqual([]);
    expect(arrived(new Set(["a"]), ["a", "b"])).toEqual(["b"]);
    expect(arrived(new Set(["a", "b"]), ["a"])).toEqual([]);
  });
  it("puts tickets on pages", () => {
    expect(pageOf(0, 8)).toBe(0);
    expect(pageOf(7, 8)).toBe(0);
    expect(pageOf(8, 8)).toBe(1);
    expect(pages(0, 8)).toBe(1);
    expect(pages(8, 8)).toBe(1);
    expect(pages(9, 8)).toBe(2);
  });
});
