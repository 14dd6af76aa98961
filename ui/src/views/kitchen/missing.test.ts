import { describe, expect, it } from "vitest";

import type { SyncStatusView } from "../../lib/bindings/SyncStatusView";
import { missingSince } from "./missing";

const sync = (over: Partial<SyncStatusView>): SyncStatusView => ({
  state: "online",
  label: "",
  waiting: 0,
  oldest_ms: null,
  paired: true,
  terminal_no: 2,
  peers: [],
  deferred: 0,
  held_newer: 0,
  refused: 0,
  clock_skew_ms: null,
  hub_address: null,
  hub_error: null,
  certificate: null,
  ...over,
});

const peer = (last_ok_ms: number | null) =>
  ({ peer_id: "p", name: "Hub", address: "", state: "offline", last_ok_ms, last_error: null, skew_ms: null, next_ms: null }) as unknown as SyncStatusView["peers"][number];

describe("a kitchen screen that may be missing tickets", () => {
  it("misses nothing while it reaches a peer, or works on its own", () => {
    expect(missingSince(sync({}), true)).toBeNull();
    expect(missingSince(sync({ paired: false, state: "not_paired" }), true)).toBeNull();
    expect(missingSince(null, true)).toBeNull();
  });
  it("says since when when no peer answers: the last time one did", () => {
    expect(missingSince(sync({ state: "offline", peers: [peer(1_000), peer(5_000)] }), true)).toEqual({ since: 5_000 });
    expect(missingSince(sync({ state: "offline", peers: [peer(null)] }), true)).toEqual({ since: null });
    expect(missingSince(sync({ state: "must_pair", peers: [peer(7)] }), true)).toEqual({ since: 7 });
  });
  it("may miss anything when the terminal service itself does not answer", () => {
    expect(missingSince(sync({}), false)).toEqual({ since: null });
  });
});
