//! Tests of echo detection: only what the screen already holds is skipped.
import { describe, expect, it } from "vitest";
import { Echoes, REMEMBERED } from "./echoes";

const change = (order_id: string, version: number) => ({ type: "order" as const, order_id, version });

describe("Echoes", () => {
  it("skips a change at or below the version held, never a newer one or another order", () => {
    const e = new Echoes();
    e.hold("a", 3);
    expect(e.isEcho(change("a", 3))).toBe(true);
    expect(e.isEcho(change("a", 2))).toBe(true);
    expect(e.isEcho(change("a", 4))).toBe(false);
    expect(e.isEcho(change("b", 1))).toBe(false);
    expect(e.isEcho({ type: "catalog" })).toBe(false);
    e.hold("a", 2); // an older answer arriving late does not lower what is held
    expect(e.isEcho(change("a", 3))).toBe(true);
  });
  it("forgets the oldest orders first", () => {
    const e = new Echoes();
    for (let i = 0; i <= REMEMBERED; i++) e.hold(`o${i}`, 1);
    expect(e.isEcho(change("o0", 1))).toBe(false);
    expect(e.isEcho(change(`o${REMEMBERED}`, 1))).toBe(true);
  });
});
