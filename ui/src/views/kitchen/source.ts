// Where a kitchen screen gets its board and sends its steps: the terminal's own API for the
// kitchen mode of the app, or the screens' address for a browser on the LAN a manager paired
// (`/screen`). The screen itself (Kitchen.svelte) is the same.

import type { Change } from "../../lib/bindings/Change";
import type { KitchenBoard } from "../../lib/bindings/KitchenBoard";
import type { KitchenBoardRequest } from "../../lib/bindings/KitchenBoardRequest";
import type { KitchenStepRequest } from "../../lib/bindings/KitchenStepRequest";
import type { KitchenTicketView } from "../../lib/bindings/KitchenTicketView";
import type { SyncStatusView } from "../../lib/bindings/SyncStatusView";

export interface KitchenSource {
  board(req: KitchenBoardRequest): Promise<KitchenBoard>;
  step(req: KitchenStepRequest): Promise<KitchenTicketView>;
  onChange(cb: (c: Change) => void): () => void;
  /** The terminal's clock (ms), ticking. */
  readonly now: number;
  /** The terminal's sync state (the red band), when known. */
  readonly sync: SyncStatusView | null;
  /** The terminal service answers. */
  readonly reachable: boolean;
  /** Steps are allowed (signed in, or a paired screen); else the board is read-only. */
  readonly canAct: boolean;
  /** A manager's tools (times, report) are offered. */
  readonly manage: boolean;
  /** How often to read the board when no change stream runs (ms). */
  readonly pollMs: number;
}
