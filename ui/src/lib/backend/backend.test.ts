//! Tests of the HTTP transport's error mapping, the backoff, and the typed API over it.
import { describe, expect, it } from "vitest";
import type { OrderView } from "../bindings/OrderView";
import { backoffDelay, BACKOFF_MAX_MS, BACKOFF_MIN_MS } from "./backoff";
import { HttpBackend } from "./http";
import { ApiFailure } from "./types";
import { Api } from "./api";

function fakeFetch(status: number, body: string | Error, seen: { url?: string; init?: RequestInit } = {}): typeof fetch {
  return (async (url: string, init?: RequestInit) => {
    seen.url = url;
    seen.init = init;
    if (body instanceof Error) throw body;
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
}

describe("HttpBackend", () => {
  it("posts JSON with the bearer token", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const b = new HttpBackend({ fetch: fakeFetch(200, '{"ok":1}', seen), socket: null });
    b.setToken("tok");
    await expect(b.call("get_order", { order_id: "x" })).resolves.toEqual({ ok: 1 });
    expect(seen.url).toBe("/api/get_order");
    expect(seen.init?.method).toBe("POST");
    expect((seen.init?.headers as Record<string, string>).authorization).toBe("Bearer tok");
    expect(seen.init?.body).toBe('{"order_id":"x"}');
  });
  it("throws the server's error with its field", async () => {
    const b = new HttpBackend({ fetch: fakeFetch(400, '{"code":"invalid_input","message":"Quantity must be between 1 and 999","field":"qty"}'), socket: null });
    const e = await b.call("change_line", {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiFailure);
    expect(e).toMatchObject({ code: "invalid_input", field: "qty", status: 400, message: "Quantity must be between 1 and 999" });
  });
  it("tolerates a code it does not know", async () => {
    const b = new HttpBackend({ fetch: fakeFetch(409, '{"code":"printer_on_fire","message":"Call someone."}'), socket: null });
    const e = await b.call("x", {}).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "internal", rawCode: "printer_on_fire", message: "Call someone." });
  });
  it("turns a failed connection into a network failure", async () => {
    const b = new HttpBackend({ fetch: fakeFetch(0, new TypeError("Failed to fetch")), socket: null });
    await expect(b.call("x", {})).rejects.toMatchObject({ code: "network" });
  });
  it("treats a gateway error without our body as the network", async () => {
    const b = new HttpBackend({ fetch: fakeFetch(502, "Bad gateway"), socket: null });
    await expect(b.call("x", {})).rejects.toMatchObject({ code: "network" });
  });
  it("reads an error body that is not ours", async () => {
    const b = new HttpBackend({ fetch: fakeFetch(500, "oops"), socket: null });
    await expect(b.call("x", {})).rejects.toMatchObject({ code: "internal", message: "oops" });
  });
});

describe("backoffDelay", () => {
  it("doubles from the minimum to the cap", () => {
    expect(backoffDelay(0, 0.5)).toBe(BACKOFF_MIN_MS);
    expect(backoffDelay(1, 0.5)).toBe(2 * BACKOFF_MIN_MS);
    expect(backoffDelay(3, 0.5)).toBe(8 * BACKOFF_MIN_MS);
    expect(backoffDelay(50, 0.5)).toBe(BACKOFF_MAX_MS);
  });
  it("stays within bounds with any jitter", () => {
    for (const r of [0, 0.25, 0.99]) {
      for (let a = 0; a < 30; a++) {
        const d = backoffDelay(a, r);
        expect(d).toBeGreaterThanOrEqual(BACKOFF_MIN_MS);
        expect(d).toBeLessThanOrEqual(BACKOFF_MAX_MS);
      }
    }
  });
});

describe("Api", () => {
  it("hands an order over as JSON carries it: money is integer minor units", async () => {
    const w: OrderView = {
      order_id: "o",
      number: 7,
      version: 3,
      status: "open",
      generation: 0,
      order_type: { type: "tab", name: "Sam" },
      label: "Tab Sam",
      note: null,
      opened: { at_ms: 1, by: "Sam" },
      updated_ms: 1,
      closed: null,
      cancelled: null,
      lines: [
        {
          line_id: "l",
          item_id: "i",
          name: "Cola",
          qty: 2,
          unit_price: 300,
          unit_total: 300,
          modifiers: [{ group_id: "g", modifier_id: "m", name: "No ice", price_delta: 0 }],
          note: null,
          seat: 1,
          course: null,
          fired: false,
          held: false,
          allergy: null,
          added: { at_ms: 1, by: "Sam" },
          voided: null,
          amounts: { line_id: "l", gross: 600, discount: 0, net: 600, tax: 104, total: 600 },
        },
      ],
      discounts: [{ discount_id: "d", target: { type: "order" }, amount: { type: "percent", value: 1000 }, reason: "r", approved_by: null, stamp: { at_ms: 1, by: "Sam" } }],
      payments: [{ payment_id: "p", method: { type: "cash", tendered: 5000, change: 4400 }, amount: 600, tip: 0, split: null, stamp: { at_ms: 1, by: "Sam" }, voided: null, refundable: 600 }],
      refunds: [],
      refund_due: 0,
      approvals: [],
      totals: { subtotal: 600, discount: 0, tax_included: 104, tax_added: 0, total: 600, paid: 600, refunded: 0, over_refund_settled: 0, tips: 0, balance: 0, taxes: [] },
      seats: [{ seat: 1, due: 0 }],
      conflicts: [{ type: "overpaid", amount: 5 }],
      tickets: [],
      waiting: [],
      receipts: [],
    };
    const seen: { url?: string } = {};
    const api = new Api(new HttpBackend({ fetch: fakeFetch(200, JSON.stringify(w), seen), socket: null }));
    const o = await api.getOrder({ order_id: "o" });
    expect(seen.url).toBe("/api/get_order");
    expect(o).toEqual(w);
    expect(o.lines[0]?.unit_total).toBe(300);
    expect(o.lines[0]?.amounts?.tax).toBe(104);
    expect(o.payments[0]?.method).toEqual({ type: "cash", tendered: 5000, change: 4400 });
    expect(o.totals.balance).toBe(0);
    expect(o.conflicts[0]).toEqual({ type: "overpaid", amount: 5 });
  });
});
