//! The changes this screen caused itself. A command answers with the order's new view, and the
//! change stream then announces the same change: that echo needs no refetch (of the order, the
//! lists or the status), since the answer already carried it. Each order's view carries a version
//! (how many events it holds, only growing); an announced change at or below the version this
//! screen already holds is an echo.
import type { Change } from "../bindings/Change";

/** How many orders are remembered (the oldest are forgotten first). */
export const REMEMBERED = 200;

export class Echoes {
  private readonly own = new Map<string, number>();

  /** This screen holds `version` of `orderId` (from a command's answer). */
  hold(orderId: string, version: number): void {
    const had = this.own.get(orderId);
    if (had !== undefined && had >= version) return;
    this.own.delete(orderId);
    this.own.set(orderId, version);
    if (this.own.size > REMEMBERED) {
      const oldest = this.own.keys().next().value;
      if (oldest !== undefined) this.own.delete(oldest);
    }
  }

  /** True when the change brings nothing this screen does not hold already. */
  isEcho(c: Change): boolean {
    if (c.type !== "order") return false;
    const had = this.own.get(c.order_id);
    return had !== undefined && had >= c.version;
  }
}

export const echoes = new Echoes();
