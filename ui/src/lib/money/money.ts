//! Money in integer minor units (a `number`, as the bindings type it): formatting with the
//! terminal's currency, parsing what a cashier types, and the arithmetic the counter needs.
//! No fraction ever touches an amount: every amount is a safe integer (below 2^53), on which
//! `+`, `-`, `*` by an integer, `%` and a division that leaves no remainder are exact.
import type { Money } from "../bindings/Money";

const digitsCache = new Map<string, number>();

/** How many minor digits the currency has (EUR 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/** `1234, 2` → `"12.34"`, `-5, 2` → `"-0.05"`: an exact decimal string. Throws on an amount
 *  that is not a safe integer (a bug: it cannot be an exact number of minor units). */
export function toDecimalString(minor: Money, digits: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an amount in minor units: ${minor}`);
  const neg = minor < 0;
  const abs = String(Math.abs(minor));
  if (digits <= 0) return `${neg ? "-" : ""}${abs}`;
  const s = abs.padStart(digits + 1, "0");
  return `${neg ? "-" : ""}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

const fmtCache = new Map<string, Intl.NumberFormat>();

/** Formats minor units with the currency, e.g. `1250, "EUR"` → `€12.50`. */
export function formatMoney(minor: Money, currency: string, locale?: string): string {
  const key = `${locale ?? ""}|${currency}`;
  let f = fmtCache.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    fmtCache.set(key, f);
  }
  return f.format(toDecimalString(minor, minorDigits(currency)) as Intl.StringNumericLiteral);
}

/** Formats minor units as a plain number for an input (`1250` → `"12.50"`). */
export function formatPlain(minor: Money, currency: string): string {
  return toDecimalString(minor, minorDigits(currency));
}

/** Parses what a cashier typed ("12", "12.5", "12,50", "€ 12.50") into minor units; null when it
 *  is not an amount, has more decimals than the currency, or is too large to be exact. The
 *  digits are joined as text and read once as an integer, so "12.50" is exactly 1250. */
export function parseMoney(text: string, digits: number): Money | null {
  const t = text.replace(/[\s\u00a0]/g, "").replace(/^[^\d\-.,]+|[^\d.,]+$/g, "");
  const m = /^(-?)(\d*)(?:[.,](\d*))?$/.exec(t);
  if (!m) return null;
  const [, sign, whole = "", frac = ""] = m;
  if (whole === "" && frac === "") return null;
  if (frac.length > digits) return null;
  const value = Number(`${whole}${frac.padEnd(Math.max(digits, 0), "0")}`);
  if (!Number.isSafeInteger(value)) return null;
  return sign === "-" && value !== 0 ? -value : value;
}

/** The smaller of two amounts. */
export const minMoney = (a: Money, b: Money): Money => (a < b ? a : b);
/** The larger of two amounts. */
export const maxMoney = (a: Money, b: Money): Money => (a > b ? a : b);

/** Splits `total` into `n` parts that add up exactly: the first `|total mod n|` parts get one
 *  minor unit more (of the sign of `total`). */
export function splitEven(total: Money, n: number): Money[] {
  if (!Number.isInteger(n) || n < 1) return [total];
  const rest = total % n; // exact on integers, sign of `total`
  const base = (total - rest) / n; // exact: the division has no remainder
  const one = Math.sign(rest);
  return Array.from({ length: n }, (_, i) => base + (i < Math.abs(rest) ? one : 0));
}

/** Quick cash amounts for `due`: exact, the next round amounts (1, 5, 10 of the major unit)
 *  and the usual notes (10, 20, 50, 100…) that cover it; sorted, without repeats, at most `max`. */
export function cashSuggestions(due: Money, digits: number, max = 6): Money[] {
  if (due <= 0) return [];
  const unit = 10 ** digits;
  const roundUp = (step: number): Money => (due % step === 0 ? due : due - (due % step) + step);
  const out = new Set<Money>([due]);
  for (const step of [1, 5, 10]) out.add(roundUp(step * unit));
  for (const note of [10, 20, 50, 100, 200, 500]) {
    if (note * unit >= due) out.add(note * unit);
  }
  return [...out].sort((a, b) => a - b).slice(0, max);
}

/** Basis points from a percent a person typed ("10", "12.5") → 1000, 1250; null if not 0–100. */
export function parsePercent(text: string): number | null {
  const bp = parseMoney(text, 2);
  if (bp === null || bp < 0 || bp > 10_000) return null;
  return bp;
}

/** Basis points as a percent for people: 1250 → "12.5 %". */
export function formatPercent(bp: number): string {
  const s = toDecimalString(bp, 2).replace(/\.?0+$/, "");
  return `${s} %`;
}
