//! Tests of caller-chosen ids.
import { afterEach, describe, expect, it, vi } from "vitest";
import { newId } from "./ids";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newId", () => {
  afterEach(() => vi.unstubAllGlobals());
  it("makes distinct v4 UUIDs", () => {
    const a = newId();
    expect(a).toMatch(V4);
    expect(newId()).not.toBe(a);
  });
  it("works without randomUUID (insecure context)", () => {
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: (b: Uint8Array) => real.getRandomValues(b) });
    expect(newId()).toMatch(V4);
  });
});
