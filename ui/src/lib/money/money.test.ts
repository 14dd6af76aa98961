//! Tests of money formatting, parsing and splitting.
import { describe, expect, it } from "vitest";
import { cashSuggestions, formatMoney, formatPercent, minorDigits, parseMoney, parsePercent, splitEven, toDecimalString } from "./money";

describe("toDecimalString", () => {
  it.each([
    [0n, 2, "0.00"],
    [5n, 2, "0.05"],
    [1250n, 2, "12.50"],
    [-5n, 2, "-0.05"],
    [-123456n, 2, "-1234.56"],
    [1500n, 0, "1500"],
    [12345n, 3, "12.345"],
  ])("%s with %i digits is %s", (minor, digits, out) => {
    expect(toDecimalString(minor, digits)).toBe(out);
  });
});

describe("formatMoney", () => {
  it("formats euros from cents without floats", () => {
    expect(formatMoney(1250n, "EUR", "en-US")).toBe("€12.50");
    expect(formatMoney(-50n, "EUR", "en-US")).toBe("-€0.50");
    expect(formatMoney(123456789012345678n, "EUR", "en-US")).toBe("€1,234,567,890,123,456.78");
  });
  it("knows currencies without cents", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(formatMoney(1500n, "JPY", "en-US")).toBe("¥1,500");
  });
  it("uses the locale", () => {
    expect(formatMoney(1250n, "EUR", "de-DE")).toBe("12,50\u00a0€");
  });
});

describe("parseMoney", () => {
  it.each([
    ["50", 5000n],
    ["50.5", 5050n],
    ["50,50", 5050n],
    ["€ 12.30", 1230n],
    [".5", 50n],
    ["0", 0n],
    ["7.", 700n],
  ])("%s is %s", (text, out) => {
    expect(parseMoney(text, 2)).toBe(out);
  });
  it.each(["", "abc", "1.234", "1.2.3", "--1", "."])("%s is not an amount", (text) => {
    expect(parseMoney(text, 2)).toBeNull();
  });
  it("reads whole units for currencies without cents", () => {
    expect(parseMoney("1500", 0)).toBe(1500n);
    expect(parseMoney("15.5", 0)).toBeNull();
  });
});

describe("splitEven", () => {
  it("adds up exactly", () => {
    const parts = splitEven(1000n, 3);
    expect(parts).toEqual([334n, 333n, 333n]);
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(1000n);
  });
  it("handles 20 ways and one way", () => {
    expect(splitEven(1n, 20).reduce((a, b) => a + b, 0n)).toBe(1n);
    expect(splitEven(999n, 1)).toEqual([999n]);
  });
});

describe("cashSuggestions", () => {
  it("offers exact, round amounts and notes", () => {
    expect(cashSuggestions(2730n, 2)).toEqual([2730n, 2800n, 3000n, 5000n, 10000n, 20000n]);
  });
  it("does not repeat an exact round amount", () => {
    expect(cashSuggestions(2000n, 2)).toEqual([2000n, 5000n, 10000n, 20000n, 50000n]);
  });
  it("offers nothing when nothing is due", () => {
    expect(cashSuggestions(0n, 2)).toEqual([]);
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
