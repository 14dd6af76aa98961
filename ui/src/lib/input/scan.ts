//! Tells a barcode scanner (a keyboard wedge) from a person: a scanner types printable keys less
//! than ~30 ms apart and ends with Enter. Keys are still handled as typed when they arrive (a
//! person must see a digit at once); when Enter closes a burst, the caller undoes what the burst
//! did (it gets `burstStart` on its first key) and adds the scanned code instead.

/** Largest gap between a scanner's keys (ms). */
export const SCAN_GAP_MS = 30;
/** Fewest characters in a code. */
export const SCAN_MIN_LENGTH = 4;

export type ScanResult =
  /** A printable key; `burstStart` when it may start a scan (the previous key was long ago). */
  | { type: "key"; burstStart: boolean }
  /** Enter ending a scan. */
  | { type: "scan"; code: string }
  /** Enter typed by a person. */
  | { type: "enter" }
  /** Any other key: it breaks a burst. */
  | { type: "other" };

export class ScanDetector {
  private buf = "";
  private last = -Infinity;

  constructor(
    private readonly gapMs = SCAN_GAP_MS,
    private readonly minLength = SCAN_MIN_LENGTH,
  ) {}

  /** Feeds one key (`KeyboardEvent.key`) typed at `timeMs`. */
  feed(key: string, timeMs: number): ScanResult {
    const fast = timeMs - this.last < this.gapMs;
    this.last = timeMs;
    if (key === "Enter") {
      const code = this.buf;
      this.buf = "";
      return fast && code.length >= this.minLength ? { type: "scan", code } : { type: "enter" };
    }
    if (key.length === 1) {
      const burstStart = !fast || this.buf === "";
      this.buf = fast && this.buf !== "" ? this.buf + key : key;
      return { type: "key", burstStart };
    }
    if (key === "Shift") return { type: "other" }; // scanners press Shift for capitals
    this.buf = "";
    return { type: "other" };
  }

  /** Forgets a burst in progress (focus moved into a text field, a dialog opened). */
  reset(): void {
    this.buf = "";
    this.last = -Infinity;
  }
}
