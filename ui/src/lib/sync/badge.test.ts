//! Tests of the sync badge's colour.
import { describe, expect, it } from "vitest";
import { syncTone } from "./badge";

const s = (state: string, waiting: number, oldest_ms: number | null) => ({ state, label: state, waiting, oldest_ms });

describe("syncTone", () => {
  it("is calm when nothing old waits", () => {
    expect(syncTone(s("online", 0, null), 0)).toBe("ok");
    expect(syncTone(s("not_paired", 3, 0), 60_000)).toBe("neutral");
  });
  it("turns amber after 2 min and red after 15", () => {
    expect(syncTone(s("not_paired", 3, 0), 3 * 60_000)).toBe("warn");
    expect(syncTone(s("online", 3, 0), 16 * 60_000)).toBe("bad");
  });
});
