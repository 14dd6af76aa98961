//! JSON as it travels versus the generated types: the bindings type `Money` as `bigint`, but JSON
//! carries it as a number. Answers are decoded here, field by field, so the compiler checks that
//! every money field becomes a `bigint` (a new one in the bindings fails the type check).
import type { BootstrapView } from "../bindings/BootstrapView";
import type { Catalog } from "../bindings/Catalog";
import type { ChosenModifier } from "../bindings/ChosenModifier";
import type { Conflict } from "../bindings/Conflict";
import type { DiscountAmount } from "../bindings/DiscountAmount";
import type { DiscountView } from "../bindings/DiscountView";
import type { Item } from "../bindings/Item";
import type { LineAmounts } from "../bindings/LineAmounts";
import type { LineView } from "../bindings/LineView";
import type { ModifierGroup } from "../bindings/ModifierGroup";
import type { OrderList } from "../bindings/OrderList";
import type { OrderSummaryView } from "../bindings/OrderSummaryView";
import type { OrderView } from "../bindings/OrderView";
import type { PaymentMethod } from "../bindings/PaymentMethod";
import type { PaymentView } from "../bindings/PaymentView";
import type { RefundView } from "../bindings/RefundView";
import type { TaxLine } from "../bindings/TaxLine";
import type { Totals } from "../bindings/Totals";

/** `T` as JSON carries it: every `bigint` is a `number`. */
export type Wire<T> = T extends bigint
  ? number
  : T extends Array<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Money from JSON (an integer number of minor units). Tolerant: a missing value is 0. */
export function money(v: number | bigint | string | null | undefined): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  return 0n;
}

const arr = <W, T>(xs: W[] | null | undefined, f: (x: W) => T): T[] => (Array.isArray(xs) ? xs.map(f) : []);

export function decodeLineAmounts(w: Wire<LineAmounts>): LineAmounts {
  return { ...w, gross: money(w.gross), discount: money(w.discount), net: money(w.net), tax: money(w.tax), total: money(w.total) };
}

function decodeChosen(w: Wire<ChosenModifier>): ChosenModifier {
  return { ...w, price_delta: money(w.price_delta) };
}

export function decodeLine(w: Wire<LineView>): LineView {
  return {
    ...w,
    unit_price: money(w.unit_price),
    unit_total: money(w.unit_total),
    modifiers: arr(w.modifiers, decodeChosen),
    amounts: w.amounts ? decodeLineAmounts(w.amounts) : null,
  };
}

function decodeDiscountAmount(w: Wire<DiscountAmount>): DiscountAmount {
  return w.type === "fixed" ? { type: "fixed", value: money(w.value) } : { type: "percent", value: w.value };
}

function decodeDiscount(w: Wire<DiscountView>): DiscountView {
  return { ...w, amount: decodeDiscountAmount(w.amount) };
}

function decodeMethod(w: Wire<PaymentMethod>): PaymentMethod {
  return w.type === "cash" ? { type: "cash", tendered: money(w.tendered), change: money(w.change) } : { type: "card", reference: w.reference };
}

function decodePayment(w: Wire<PaymentView>): PaymentView {
  return { ...w, method: decodeMethod(w.method), amount: money(w.amount), tip: money(w.tip) };
}

function decodeRefund(w: Wire<RefundView>): RefundView {
  return { ...w, amount: money(w.amount) };
}

function decodeTaxLine(w: Wire<TaxLine>): TaxLine {
  return { ...w, base: money(w.base), tax: money(w.tax) };
}

export function decodeTotals(w: Wire<Totals>): Totals {
  return {
    subtotal: money(w.subtotal),
    discount: money(w.discount),
    tax_included: money(w.tax_included),
    tax_added: money(w.tax_added),
    total: money(w.total),
    paid: money(w.paid),
    refunded: money(w.refunded),
    tips: money(w.tips),
    balance: money(w.balance),
    taxes: arr(w.taxes, decodeTaxLine),
    lines: arr(w.lines, decodeLineAmounts),
  };
}

function decodeConflict(w: Wire<Conflict>): Conflict {
  switch (w.type) {
    case "balance_due_after_close":
      return { type: w.type, balance: money(w.balance) };
    case "overpaid":
    case "refund_due":
      return { type: w.type, amount: money(w.amount) };
    case "over_refund":
      return { type: w.type, payment_id: w.payment_id, paid: money(w.paid), refunded: money(w.refunded) };
    default:
      return w;
  }
}

export function decodeOrder(w: Wire<OrderView>): OrderView {
  return {
    ...w,
    lines: arr(w.lines, decodeLine),
    discounts: arr(w.discounts, decodeDiscount),
    payments: arr(w.payments, decodePayment),
    refunds: arr(w.refunds, decodeRefund),
    totals: decodeTotals(w.totals),
    seats: arr(w.seats, (s) => ({ ...s, due: money(s.due) })),
    conflicts: arr(w.conflicts, decodeConflict),
  };
}

function decodeSummary(w: Wire<OrderSummaryView>): OrderSummaryView {
  return { ...w, total: money(w.total), balance: money(w.balance) };
}

export function decodeOrderList(w: Wire<OrderList>): OrderList {
  return { orders: arr(w.orders, decodeSummary) };
}

function decodeItem(w: Wire<Item>): Item {
  return { ...w, price: money(w.price) };
}

function decodeGroup(w: Wire<ModifierGroup>): ModifierGroup {
  return { ...w, modifiers: arr(w.modifiers, (m) => ({ ...m, price_delta: money(m.price_delta) })) };
}

export function decodeCatalog(w: Wire<Catalog>): Catalog {
  return {
    categories: arr(w.categories, (c) => c),
    items: arr(w.items, decodeItem),
    modifier_groups: arr(w.modifier_groups, decodeGroup),
    tax_rates: arr(w.tax_rates, (t) => t),
  };
}

export function decodeBootstrap(w: Wire<BootstrapView>): BootstrapView {
  return { terminal: w.terminal, catalog: decodeCatalog(w.catalog) };
}
