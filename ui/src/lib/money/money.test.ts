//! Tests of money formatting, parsing and splitting (integer minor units as `number`).
import { describe, expect, it } from "vitest";
import { cashSuggestions, formatMoney, formatPercent, minorDigits, parseMoney, parsePercent, splitEven, toDecimalString } from "./money";

describe("toDecimalString", () => {
  it.each([
    [0, 2, "0.00"],
    [5, 2, "0.05"],
    [1250, 2, "12.50"],
    [-5, 2, "-0.05"],
    [-123456, 2, "-1234.56"],
    [1500, 0, "1500"],
    [12345, 3, "12.345"],
  ])("%s with %i digits is %s", (minor, digits, out) => {
    expect(toDecimalString(minor, digits)).toBe(out);
  });
  it.each([0.5, 12.345, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s, not an exact amount", (minor) => {
    expect(() => toDecimalString(minor, 2)).toThrow(RangeError);
  });
});

describe("formatMoney", () => {
  it("formats euros from cents without floats", () => {
    expect(formatMoney(1250, "EUR", "en-US")).toBe("€12.50");
    expect(formatMoney(-50, "EUR", "en-US")).toBe("-€0.50");
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "EUR", "en-US")).toBe("€90,071,992,547,409.91");
  });
  it("knows currencies without cents", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500");
  });
  it("uses the locale", () => {
    expect(formatMoney(1250, "EUR", "de-DE")).toBe("12,50\u00a0€");
  });
});

describe("parseMoney", () => {
  it.each([
    ["50", 5000],
    ["50.5", 5050],
    ["50,50", 5050],
    ["€ 12.30", 1230],
    [".5", 50],
    ["0", 0],
    ["7.", 700],
    ["12.50", 1250],
    ["0.29", 29],
    ["-3.10", -310],
    ["-0", 0],
    ["90071992547409.91", Number.MAX_SAFE_INTEGER],
  ])("%s is %s", (text, out) => {
    expect(parseMoney(text, 2)).toBe(out);
  });
  it("is exact where floats are not (0.29 × 100 is 28.999…)", () => {
    for (let minor = 0; minor < 20_000; minor += 1) {
      expect(parseMoney(toDecimalString(minor, 2), 2)).toBe(minor);
    }
  });
  it("refuses amounts too large to be exact", () => {
    expect(parseMoney("90071992547409.92", 2)).toBeNull();
    expect(parseMoney("99999999999999999999", 2)).toBeNull();
  });
  it.each(["", "abc", "1.234", "1.2.3", "--1", "."])("%s is not an amount", (text) => {
    expect(parseMoney(text, 2)).toBeNull();
  });
  it("reads whole units for currencies without cents", () => {
    expect(parseMoney("1500", 0)).toBe(1500);
    expect(parseMoney("15.5", 0)).toBeNull();
  });
});

describe("splitEven", () => {
  it("adds up exactly", () => {
    const parts = splitEven(1000, 3);
    expect(parts).toEqual([334, 333, 333]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
  });
  it("handles 20 ways and one way", () => {
    expect(splitEven(1, 20).reduce((a, b) => a + b, 0)).toBe(1);
    expect(splitEven(999, 1)).toEqual([999]);
  });
  it("keeps the sign of a negative total", () => {
    expect(splitEven(-1000, 3)).toEqual([-334, -333, -333]);
  });
  it("gives integers only", () => {
    for (const total of [1, 7, 1001, 2 ** 52 + 3]) {
      for (const n of [2, 3, 7, 20]) {
        const parts = splitEven(total, n);
        expect(parts.every(Number.isSafeInteger)).toBe(true);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      }
    }
  });
});

describe("cashSuggestions", () => {
  it("offers exact, round amounts and notes", () => {
    expect(cashSuggestions(2730, 2)).toEqual([2730, 2800, 3000, 5000, 10000, 20000]);
  });
  it("does not repeat an exact round amount", () => {
    expect(cashSuggestions(2000, 2)).toEqual([2000, 5000, 10000, 20000, 50000]);
  });
  it("offers nothing when nothing is due", () => {
    expect(cashSuggestions(0, 2)).toEqual([]);
  });
});

describe("percent", () => {
  it("parses to basis points", () => {
    expect(parsePercent("10")).toBe(1000);
    expect(parsePercent("12.5")).toBe(1250);
    expect(parsePercent("101")).toBeNull();
    expect(parsePercent("x")).toBeNull();
  });
  it("formats basis points", () => {
    expect(formatPercent(1000)).toBe("10 %");
    expect(formatPercent(1250)).toBe("12.5 %");
  });
});
