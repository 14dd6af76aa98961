//! Money in integer minor units (`bigint`, as the bindings type it): formatting with the
//! terminal's currency, parsing what a cashier types, and the arithmetic the counter needs.
//! No floating point touches an amount.

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

/** `1234n, 2` → `"12.34"`, `-5n, 2` → `"-0.05"`: an exact decimal string. */
export function toDecimalString(minor: bigint, digits: number): string {
  const neg = minor < 0n;
  const abs = neg ? -minor : minor;
  if (digits <= 0) return `${neg ? "-" : ""}${abs}`;
  const s = abs.toString().padStart(digits + 1, "0");
  return `${neg ? "-" : ""}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

const fmtCache = new Map<string, Intl.NumberFormat>();

/** Formats minor units with the currency, e.g. `1250n, "EUR"` → `€12.50`. */
export function formatMoney(minor: bigint, currency: string, locale?: string): string {
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

/** Formats minor units as a plain number for an input (`1250n` → `"12.50"`). */
export function formatPlain(minor: bigint, currency: string): string {
  return toDecimalString(minor, minorDigits(currency));
}

/** Parses what a cashier typed ("12", "12.5", "12,50", "€ 12.50") into minor units;
 *  null when it is not an amount or has more decimals than the currency. */
export function parseMoney(text: string, digits: number): bigint | null {
  const t = text.replace(/[\s\u00a0]/g, "").replace(/^[^\d\-.,]+|[^\d.,]+$/g, "");
  const m = /^(-?)(\d*)(?:[.,](\d*))?$/.exec(t);
  if (!m) return null;
  const [, sign, whole = "", frac = ""] = m;
  if (whole === "" && frac === "") return null;
  if (frac.length > digits) return null;
  const scale = 10n ** BigInt(digits);
  const value = BigInt(whole === "" ? "0" : whole) * scale + (frac === "" ? 0n : BigInt(frac.padEnd(digits, "0")));
  return sign === "-" ? -value : value;
}

/** The smaller of two amounts. */
export const minMoney = (a: bigint, b: bigint): bigint => (a < b ? a : b);
/** The larger of two amounts. */
export const maxMoney = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Splits `total` into `n` parts that add up exactly: the first `total mod n` parts get one
 *  minor unit more. */
export function splitEven(total: bigint, n: number): bigint[] {
  if (!Number.isInteger(n) || n < 1) return [total];
  const N = BigInt(n);
  const base = total / N;
  const rest = total - base * N;
  return Array.from({ length: n }, (_, i) => base + (BigInt(i) < rest ? 1n : 0n));
}

/** Quick cash amounts for `due`: exact, the next round amounts (1, 5, 10 of the major unit)
 *  and the usual notes (10, 20, 50, 100…) that cover it; sorted, without repeats, at most `max`. */
export function cashSuggestions(due: bigint, digits: number, max = 6): bigint[] {
  if (due <= 0n) return [];
  const unit = 10n ** BigInt(digits);
  const roundUp = (step: bigint): bigint => ((due + step - 1n) / step) * step;
  const out = new Set<bigint>([due]);
  for (const step of [1n, 5n, 10n]) out.add(roundUp(step * unit));
  for (const note of [10n, 20n, 50n, 100n, 200n, 500n]) {
    if (note * unit >= due) out.add(note * unit);
  }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, max);
}

/** Basis points from a percent a person typed ("10", "12.5") → 1000, 1250; null if not 0–100. */
export function parsePercent(text: string): number | null {
  const bp = parseMoney(text, 2);
  if (bp === null || bp < 0n || bp > 10_000n) return null;
  return Number(bp);
}

/** Basis points as a percent for people: 1250 → "12.5 %". */
export function formatPercent(bp: number): string {
  const s = toDecimalString(BigInt(bp), 2).replace(/\.?0+$/, "");
  return `${s} %`;
}
