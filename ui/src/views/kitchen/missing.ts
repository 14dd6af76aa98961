// Whether a kitchen screen may be missing tickets, and since when: silence must not look like a
// quiet night (ui.md, "Kitchen"). A terminal working on its own misses nothing; a paired one
// that reaches none of its peers may miss what the other terminals sent since it last reached
// one.
import type { SyncStatusView } from "../../lib/bindings/SyncStatusView";

export type Missing = { since: number | null } | null;

/** `null`: nothing can be missing; else since when tickets may be (`since` null: unknown). */
export function missingSince(sync: SyncStatusView | null, reachable: boolean): Missing {
  if (!reachable) return { since: null };
  if (!sync || !sync.paired) return null;
  if (sync.state !== "offline" && sync.state !== "must_pair") return null;
  const seen = sync.peers.map((p) => p.last_ok_ms).filter((t): t is number => t !== null);
  return { since: seen.length ? Math.max(...seen) : null };
}
