//! Order helpers the counter shows or decides with: labels, ages, which line a repeated tap
//! increments, what the new-order form opens, and the parts of a split bill.
import type { LineView } from "../bindings/LineView";
import type { Money } from "../bindings/Money";
import type { OrderSummaryView } from "../bindings/OrderSummaryView";
import type { OrderType } from "../bindings/OrderType";
import type { OrderView } from "../bindings/OrderView";
import type { PaymentView } from "../bindings/PaymentView";
import type { SplitTarget } from "../bindings/SplitTarget";
import { minMoney, splitEven } from "../money/money";

/** "Table 4 · 2 guests", "Takeaway · Ana", "Tab · Sam". */
export function orderTypeLabel(t: OrderType | null, fallback = ""): string {
  if (!t) return fallback;
  switch (t.type) {
    case "dine_in": {
      const table = /^\d+$/.test(t.table) ? `Table ${t.table}` : t.table;
      return t.guests ? `${table} · ${t.guests} ${t.guests === 1 ? "guest" : "guests"}` : table;
    }
    case "takeaway":
      return t.name ? `Takeaway · ${t.name}` : "Takeaway";
    case "tab":
      return `Tab · ${t.name}`;
  }
}

/** "just now", "4 min", "1 h 05", "2 d". */
export function formatAge(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return "just now";
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, "0")}`;
  return `${Math.floor(h / 24)} d`;
}

/** A line is live when not voided. */
export const isLive = (l: LineView): boolean => l.voided === null;

/** The line a repeated tap on a simple item increments: the selected line when it is the same
 *  item, not sent, not voided, without modifiers or a note. Otherwise null (add a new line). */
export function lineToIncrement(order: OrderView | null, selectedId: string | null, itemId: string): LineView | null {
  if (!order || !selectedId) return null;
  const l = order.lines.find((x) => x.line_id === selectedId);
  if (!l || l.item_id !== itemId || l.fired || l.voided || l.modifiers.length > 0 || l.note) return null;
  return l.qty < 999 ? l : null;
}

/** What the new-order form holds. */
export interface NewOrderForm {
  kind: "dine_in" | "takeaway" | "tab";
  table: string;
  guests: string;
  name: string;
}

/** The order type the form opens, or the field to fix and why. */
export function orderTypeFromForm(f: NewOrderForm): { ok: OrderType } | { field: string; message: string } {
  const name = f.name.trim();
  switch (f.kind) {
    case "dine_in": {
      const table = f.table.trim();
      if (!table) return { field: "table", message: "Enter the table's number or name." };
      const g = f.guests.trim();
      if (g === "") return { ok: { type: "dine_in", table, guests: null } };
      if (!/^\d{1,3}$/.test(g) || Number(g) < 1 || Number(g) > 999) return { field: "guests", message: "Guests is a number from 1 to 999, or leave it empty." };
      return { ok: { type: "dine_in", table, guests: Number(g) } };
    }
    case "takeaway":
      return { ok: { type: "takeaway", name: name || null } };
    case "tab":
      if (!name) return { field: "name", message: "Enter a name for the tab." };
      return { ok: { type: "tab", name } };
  }
}

/** The form prefilled with an order's current type (a table when it has none). */
export function formFromOrderType(t: OrderType | null): NewOrderForm {
  const form: NewOrderForm = { kind: "dine_in", table: "", guests: "", name: "" };
  if (!t) return form;
  switch (t.type) {
    case "dine_in":
      return { ...form, table: t.table, guests: t.guests === null ? "" : String(t.guests) };
    case "takeaway":
      return { ...form, kind: "takeaway", name: t.name ?? "" };
    case "tab":
      return { ...form, kind: "tab", name: t.name };
  }
}

/** Payments that count (not voided). */
const livePayments = (o: OrderView) => o.payments.filter((p) => p.voided === null);

/** One part of a split bill: what it pays and for what. */
export interface SplitPart {
  split: SplitTarget;
  amount: Money;
  label: string;
}

/** The next part of an even split in `of` parts: parts already paid (with the same `of`) are
 *  skipped; the last part takes whatever is left, so the parts add up to the balance. */
export function nextEvenPart(order: OrderView, of: number): SplitPart | null {
  const balance = order.totals.balance;
  if (balance <= 0 || of < 2) return null;
  const paid = new Set(
    livePayments(order)
      .map((p) => p.split)
      .filter((s): s is Extract<SplitTarget, { type: "even" }> => s?.type === "even" && s.value.of === of)
      .map((s) => s.value.part),
  );
  let part = 1;
  while (paid.has(part) && part <= of) part++;
  if (part > of) return null;
  const remaining = of - paid.size;
  const amount = remaining <= 1 ? balance : (splitEven(balance, remaining)[0] ?? balance);
  return { split: { type: "even", value: { part, of } }, amount, label: `Part ${part} of ${of}` };
}

/** The part for one seat: its due, at most the balance. */
export function seatPart(order: OrderView, seat: number): SplitPart | null {
  const s = order.seats.find((x) => x.seat === seat);
  if (!s || s.due <= 0 || order.totals.balance <= 0) return null;
  return { split: { type: "seat", value: seat }, amount: minMoney(s.due, order.totals.balance), label: `Seat ${seat}` };
}

/** Lines already paid by a "by items" or a seat part. */
export function paidLineIds(order: OrderView): Set<string> {
  const ids = new Set<string>();
  for (const p of livePayments(order)) {
    if (p.split?.type === "lines") for (const id of p.split.value) ids.add(id);
    // A seat's payment paid its lines too: they are not offered again by items.
    if (p.split?.type === "seat") for (const l of order.lines) if (l.seat === p.split.value) ids.add(l.line_id);
  }
  return ids;
}

/** The part for chosen lines: the sum of their totals, at most the balance. */
export function linesPart(order: OrderView, lineIds: readonly string[]): SplitPart | null {
  const chosen = new Set(lineIds);
  const amounts = order.lines.flatMap((l) => (l.amounts && chosen.has(l.line_id) ? [l.amounts] : []));
  if (amounts.length === 0 || order.totals.balance <= 0) return null;
  const sum = amounts.reduce((acc, a) => acc + a.total, 0);
  if (sum <= 0) return null;
  const n = amounts.length;
  return { split: { type: "lines", value: amounts.map((a) => a.line_id) }, amount: minMoney(sum, order.totals.balance), label: `${n} ${n === 1 ? "item" : "items"}` };
}

/** Money still held on the order (live payments less refunds): a cancel is refused while > 0. */
export function moneyHeld(order: OrderView): Money {
  return order.totals.paid - order.totals.refunded;
}

/** A payment's method in words: "Cash", "Card · ref 4821" (the reference when there is one). */
export function paymentMethodText(p: PaymentView): string {
  if (p.method.type === "cash") return "Cash";
  const ref = p.method.reference.trim();
  return ref ? `Card · ref ${ref}` : "Card";
}

/** "Part 1 of 2", "Seat 3", "2 items", or null when the payment was for the whole balance. */
export function splitText(s: SplitTarget | null): string | null {
  if (!s) return null;
  switch (s.type) {
    case "even":
      return `Part ${s.value.part} of ${s.value.of}`;
    case "seat":
      return `Seat ${s.value}`;
    case "lines":
      return `${s.value.length} ${s.value.length === 1 ? "item" : "items"}`;
  }
}

/** The Closed tab's list: closed and cancelled orders together, most recently changed first,
 *  each order once, at most `limit`. */
export function mergeFinished(closed: readonly OrderSummaryView[], cancelled: readonly OrderSummaryView[], limit = 100): OrderSummaryView[] {
  const seen = new Set<string>();
  const out: OrderSummaryView[] = [];
  for (const o of [...closed, ...cancelled].sort((a, b) => b.updated_ms - a.updated_ms || b.number - a.number)) {
    if (seen.has(o.order_id)) continue;
    seen.add(o.order_id);
    out.push(o);
  }
  return out.slice(0, limit);
}

/** The list entry of an order, from its whole view (what `list_orders` would answer for it). */
export function summaryOf(o: OrderView): OrderSummaryView {
  return {
    order_id: o.order_id,
    number: o.number,
    status: o.status,
    label: o.label,
    total: o.totals.total,
    balance: o.totals.balance,
    line_count: o.lines.filter(isLive).length,
    conflict_count: o.conflicts.length,
    opened_ms: o.opened?.at_ms ?? o.updated_ms,
    updated_ms: o.updated_ms,
  };
}

/** The open list with one order's new view in it: replaced in place, added (newest first, as the
 *  server sorts: opened, then number), or taken out once it is no longer open. */
export function withOpenOrder(list: readonly OrderSummaryView[], o: OrderView): OrderSummaryView[] {
  const rest = list.filter((x) => x.order_id !== o.order_id);
  if (o.status !== "open") return rest;
  const s = summaryOf(o);
  return [...rest, s].sort((a, b) => b.opened_ms - a.opened_ms || b.number - a.number || (a.order_id < b.order_id ? 1 : -1));
}
