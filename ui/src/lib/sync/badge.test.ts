//! Tests of the sync badge's colour and words.
import { describe, expect, it } from "vitest";
import type { SyncStatusView } from "../bindings/SyncStatusView";
import { ago, syncTone, terminalOf } from "./badge";

const s = (state: string, waiting: number, oldest_ms: number | null, more: Partial<SyncStatusView> = {}): SyncStatusView => ({
  state,
  label: state,
  waiting,
  oldest_ms,
  paired: state !== "not_paired",
  terminal_no: 1,
  peers: [],
  deferred: 0,
  held_newer: 0,
  refused: 0,
  clock_skew_ms: null,
  hub_address: null,
  hub_error: null,
  certificate: null,
  ...more,
});

describe("syncTone", () => {
  it("is calm when nothing old waits", () => {
    expect(syncTone(s("online", 0, null), 0)).toBe("ok");
    expect(syncTone(s("not_paired", 3, 0), 60_000)).toBe("neutral");
    expect(syncTone(s("offline", 3, 0), 60_000)).toBe("neutral");
  });
  it("turns amber after 2 min and red after 15", () => {
    expect(syncTone(s("offline", 3, 0), 3 * 60_000)).toBe("warn");
    expect(syncTone(s("online", 3, 0), 16 * 60_000)).toBe("bad");
  });
  it("is red when the terminal must be paired again, amber on a clock warning or refusals", () => {
    expect(syncTone(s("must_pair", 0, null), 0)).toBe("bad");
    expect(syncTone(s("online", 0, null, { clock_skew_ms: 400_000 }), 0)).toBe("warn");
    expect(syncTone(s("online", 0, null, { refused: 1 }), 0)).toBe("warn");
  });
});

describe("terminalOf and ago", () => {
  it("reads the terminal from an order number", () => {
    expect(terminalOf(20_017)).toBe(2);
    expect(terminalOf(17)).toBe(0);
  });
  it("says how long ago", () => {
    expect(ago(10_000, 1_000)).toBe("9 s ago");
    expect(ago(600_000, 0)).toBe("10 min ago");
    expect(ago(0, null)).toBe("never");
  });
});
