//! Tests of order labels, ages, the repeated-tap rule, the new-order form, split parts, payments
//! in words and the closed-and-cancelled list.
import { describe, expect, it } from "vitest";
import type { LineView } from "../bindings/LineView";
import type { OrderView } from "../bindings/OrderView";
import type { PaymentView } from "../bindings/PaymentView";
import type { OrderSummaryView } from "../bindings/OrderSummaryView";
import {
  formatAge,
  formFromOrderType,
  lineToIncrement,
  linesPart,
  mergeFinished,
  moneyHeld,
  nextEvenPart,
  orderTypeFromForm,
  orderTypeLabel,
  paidLineIds,
  paymentMethodText,
  seatPart,
  splitText,
  summaryOf,
  withOpenOrder,
} from "./orders";

const stamp = { at_ms: 0, by: "Sam" };
const line = (id: string, over: Partial<LineView> = {}): LineView => ({
  line_id: id,
  item_id: "cola",
  name: "Cola",
  qty: 1,
  unit_price: 300,
  unit_total: 300,
  modifiers: [],
  note: null,
  seat: null,
  course: null,
  fired: false,
  held: false,
  allergy: null,
  added: stamp,
  voided: null,
  amounts: null,
  ...over,
});
const order = (over: Partial<OrderView> = {}, balance = 1000): OrderView => ({
  order_id: "o",
  number: 1,
  version: 1,
  status: "open",
  generation: 0,
  order_type: null,
  label: "Takeaway",
  note: null,
  opened: stamp,
  updated_ms: 0,
  closed: null,
  cancelled: null,
  lines: [],
  discounts: [],
  payments: [],
  refunds: [],
  refund_due: 0,
  approvals: [],
  totals: { subtotal: balance, discount: 0, tax_included: 0, tax_added: 0, total: balance, paid: 0, refunded: 0, over_refund_settled: 0, tips: 0, balance, taxes: [] },
  seats: [],
  conflicts: [],
  tickets: [],
  waiting: [],
  receipts: [],
  ...over,
});
const payment = (split: PaymentView["split"], voidReason: string | null = null): PaymentView => ({
  payment_id: Math.random().toString(),
  method: { type: "card", reference: "x" },
  amount: 1,
  tip: 0,
  split,
  stamp,
  voided: voidReason === null ? null : { reason: voidReason, stamp, approved_by: "Morgan" },
  refundable: voidReason === null ? 1 : 0,
});

describe("labels and ages", () => {
  it("labels order types", () => {
    expect(orderTypeLabel({ type: "dine_in", table: "4", guests: 2 })).toBe("Table 4 · 2 guests");
    expect(orderTypeLabel({ type: "dine_in", table: "Terrace", guests: null })).toBe("Terrace");
    expect(orderTypeLabel({ type: "takeaway", name: null })).toBe("Takeaway");
    expect(orderTypeLabel({ type: "tab", name: "Sam" })).toBe("Tab · Sam");
    expect(orderTypeLabel(null, "Order")).toBe("Order");
  });
  it("words ages", () => {
    expect(formatAge(10_000)).toBe("just now");
    expect(formatAge(4 * 60_000)).toBe("4 min");
    expect(formatAge(65 * 60_000)).toBe("1 h 05");
    expect(formatAge(72 * 3_600_000)).toBe("3 d");
  });
});

describe("repeated tap", () => {
  it("increments the selected identical unsent line", () => {
    const o = order({ lines: [line("a"), line("b")] });
    expect(lineToIncrement(o, "b", "cola")?.line_id).toBe("b");
  });
  it("adds a new line otherwise", () => {
    const o = order({ lines: [line("a", { fired: true }), line("b", { note: "x" }), line("c", { item_id: "beer" })] });
    expect(lineToIncrement(o, "a", "cola")).toBeNull();
    expect(lineToIncrement(o, "b", "cola")).toBeNull();
    expect(lineToIncrement(o, "c", "cola")).toBeNull();
    expect(lineToIncrement(o, null, "cola")).toBeNull();
  });
});

describe("new order form", () => {
  it("needs a table and a tab name", () => {
    expect(orderTypeFromForm({ kind: "dine_in", table: " ", guests: "", name: "" })).toEqual({ field: "table", message: expect.any(String) });
    expect(orderTypeFromForm({ kind: "tab", table: "", guests: "", name: "" })).toEqual({ field: "name", message: expect.any(String) });
  });
  it("opens tables with optional guests", () => {
    expect(orderTypeFromForm({ kind: "dine_in", table: "4", guests: "2", name: "" })).toEqual({ ok: { type: "dine_in", table: "4", guests: 2 } });
    expect(orderTypeFromForm({ kind: "dine_in", table: "4", guests: "", name: "" })).toEqual({ ok: { type: "dine_in", table: "4", guests: null } });
    expect(orderTypeFromForm({ kind: "dine_in", table: "4", guests: "x", name: "" })).toMatchObject({ field: "guests" });
    expect(orderTypeFromForm({ kind: "takeaway", table: "", guests: "", name: "" })).toEqual({ ok: { type: "takeaway", name: null } });
  });
  it("is prefilled with the order's current type, and gives it back unchanged", () => {
    const types = [
      { type: "dine_in", table: "4", guests: 2 },
      { type: "dine_in", table: "Terrace", guests: null },
      { type: "takeaway", name: "Ana" },
      { type: "takeaway", name: null },
      { type: "tab", name: "Kim" },
    ] as const;
    for (const t of types) expect(orderTypeFromForm(formFromOrderType(t))).toEqual({ ok: t });
    expect(formFromOrderType({ type: "dine_in", table: "4", guests: 2 })).toEqual({ kind: "dine_in", table: "4", guests: "2", name: "" });
    expect(formFromOrderType({ type: "takeaway", name: null })).toEqual({ kind: "takeaway", table: "", guests: "", name: "" });
    expect(formFromOrderType(null)).toEqual({ kind: "dine_in", table: "", guests: "", name: "" });
  });
});

describe("split parts", () => {
  it("splits evenly, the last part taking the rest", () => {
    expect(nextEvenPart(order({}, 1000), 3)).toMatchObject({ amount: 334, split: { type: "even", value: { part: 1, of: 3 } } });
    const after = order({ payments: [payment({ type: "even", value: { part: 1, of: 3 } })] }, 666);
    expect(nextEvenPart(after, 3)).toMatchObject({ amount: 333, split: { value: { part: 2, of: 3 } } });
    const last = order({ payments: [payment({ type: "even", value: { part: 1, of: 3 } }), payment({ type: "even", value: { part: 2, of: 3 } })] }, 333);
    expect(nextEvenPart(last, 3)).toMatchObject({ amount: 333, split: { value: { part: 3, of: 3 } } });
  });
  it("ignores voided payments", () => {
    const o = order({ payments: [payment({ type: "even", value: { part: 1, of: 2 } }, "wrong")] }, 1000);
    expect(nextEvenPart(o, 2)).toMatchObject({ amount: 500, split: { value: { part: 1, of: 2 } } });
  });
  it("pays a seat's due", () => {
    const o = order({ seats: [{ seat: 2, due: 450 }] }, 1000);
    expect(seatPart(o, 2)).toMatchObject({ amount: 450, split: { type: "seat", value: 2 } });
    expect(seatPart(o, 3)).toBeNull();
  });
  it("pays chosen lines", () => {
    const am = (line_id: string, total: number) => ({ line_id, gross: total, discount: 0, net: total, tax: 0, total });
    const o = order({}, 1000);
    o.lines = [line("a", { amounts: am("a", 300) }), line("b", { amounts: am("b", 450) })];
    expect(linesPart(o, ["a", "b"])).toMatchObject({ amount: 750, split: { type: "lines", value: ["a", "b"] } });
    o.payments = [payment({ type: "lines", value: ["a"] })];
    expect([...paidLineIds(o)]).toEqual(["a"]);
    // A seat's payment paid its lines: they are not offered again by items.
    o.lines = [line("a", { seat: 1 }), line("b", { seat: 2 })];
    o.payments = [payment({ type: "seat", value: 2 })];
    expect([...paidLineIds(o)]).toEqual(["b"]);
  });
});

describe("payments in words", () => {
  it("says the method and the card reference", () => {
    expect(paymentMethodText(payment(null))).toBe("Card · ref x");
    expect(paymentMethodText({ ...payment(null), method: { type: "card", reference: "  " } })).toBe("Card");
    expect(paymentMethodText({ ...payment(null), method: { type: "cash", tendered: 2000, change: 500 } })).toBe("Cash");
  });
  it("says the split part", () => {
    expect(splitText(null)).toBeNull();
    expect(splitText({ type: "even", value: { part: 1, of: 2 } })).toBe("Part 1 of 2");
    expect(splitText({ type: "seat", value: 3 })).toBe("Seat 3");
    expect(splitText({ type: "lines", value: ["a"] })).toBe("1 item");
    expect(splitText({ type: "lines", value: ["a", "b"] })).toBe("2 items");
  });
  it("counts the money held: paid less refunded", () => {
    const o = order({}, 1000);
    expect(moneyHeld(o)).toBe(0);
    o.totals = { ...o.totals, paid: 600, refunded: 100 };
    expect(moneyHeld(o)).toBe(500);
  });
});

describe("closed and cancelled list", () => {
  const sum = (id: string, status: OrderSummaryView["status"], updated_ms: number, number = 1): OrderSummaryView => ({
    order_id: id,
    number,
    status,
    label: "Table 4",
    total: 100,
    balance: 0,
    line_count: 1,
    conflict_count: 0,
    opened_ms: 0,
    updated_ms,
  });
  it("merges both, newest change first", () => {
    const out = mergeFinished([sum("a", "closed", 10), sum("b", "closed", 30)], [sum("c", "cancelled", 20)]);
    expect(out.map((o) => o.order_id)).toEqual(["b", "c", "a"]);
  });
  it("keeps each order once and at most the limit", () => {
    const out = mergeFinished([sum("a", "closed", 10), sum("b", "closed", 5)], [sum("a", "cancelled", 10), sum("c", "cancelled", 1)], 2);
    expect(out.map((o) => o.order_id)).toEqual(["a", "b"]);
  });
  it("breaks ties by the newer number", () => {
    const out = mergeFinished([sum("a", "closed", 10, 1)], [sum("b", "cancelled", 10, 2)]);
    expect(out.map((o) => o.order_id)).toEqual(["b", "a"]);
  });
});

describe("the open list kept from answers", () => {
  const summary = (id: string, opened: number, number: number) => ({
    order_id: id,
    number,
    status: "open" as const,
    label: "Takeaway",
    total: 0,
    balance: 0,
    line_count: 0,
    conflict_count: 0,
    opened_ms: opened,
    updated_ms: opened,
  });
  it("replaces, adds newest first, and drops what closed", () => {
    const list = [summary("b", 20, 2), summary("a", 10, 1)];
    const changed = withOpenOrder(list, order({ order_id: "a", number: 1, opened: { at_ms: 10, by: "Sam" }, updated_ms: 30 }, 450));
    expect(changed.map((x) => [x.order_id, x.balance])).toEqual([
      ["b", 0],
      ["a", 450],
    ]);
    const added = withOpenOrder(list, order({ order_id: "c", number: 3, opened: { at_ms: 40, by: "Sam" }, updated_ms: 40 }));
    expect(added.map((x) => x.order_id)).toEqual(["c", "b", "a"]);
    const closed = withOpenOrder(list, order({ order_id: "b", status: "closed" }));
    expect(closed.map((x) => x.order_id)).toEqual(["a"]);
  });
  it("summarises as the server lists: live lines, conflicts, totals", () => {
    const o = order({ lines: [line("x"), line("y", { voided: { reason: "r", stamp, approved_by: null } })], conflicts: [{ type: "missing_open" }] }, 700);
    expect(summaryOf(o)).toMatchObject({ line_count: 1, conflict_count: 1, balance: 700 });
  });
});
