//! The numpad buffer: digits typed on the pad or the keyboard, read as a quantity on Enter.

/** Digits typed so far, at most `maxLength`. Immutable: each operation returns a new buffer.
 *  The length allows one digit more than the largest quantity (999), so a slip such as 1000 is
 *  refused by the terminal with a message, never silently cut to 100. */
export class NumpadBuffer {
  constructor(
    readonly text: string = "",
    readonly maxLength = 4,
  ) {}

  /** Adds a digit; a leading zero is dropped; past `maxLength` the buffer is unchanged. */
  push(digit: string): NumpadBuffer {
    if (!/^[0-9]$/.test(digit)) return this;
    if (this.text === "" && digit === "0") return this;
    if (this.text.length >= this.maxLength) return this;
    return new NumpadBuffer(this.text + digit, this.maxLength);
  }

  /** Removes the last digit. */
  backspace(): NumpadBuffer {
    return new NumpadBuffer(this.text.slice(0, -1), this.maxLength);
  }

  /** Empties the buffer. */
  clear(): NumpadBuffer {
    return new NumpadBuffer("", this.maxLength);
  }

  get empty(): boolean {
    return this.text === "";
  }

  /** The number typed, or null when empty. */
  get value(): number | null {
    return this.text === "" ? null : Number(this.text);
  }
}

/** Appends a numpad key to an amount a person is typing ("12" + "." → "12."), keeping at most
 *  `digits` decimals; "C" clears, "⌫" deletes, "00" adds two zeros. */
export function amountKey(text: string, key: string, digits: number): string {
  if (key === "C") return "";
  if (key === "⌫") return text.slice(0, -1);
  if (key === "." || key === ",") {
    if (digits === 0 || text.includes(".")) return text;
    return (text === "" ? "0" : text) + ".";
  }
  if (!/^[0-9]+$/.test(key)) return text;
  let out = text;
  for (const d of key) {
    const dot = out.indexOf(".");
    if (dot >= 0 && out.length - dot - 1 >= digits) break;
    if (out === "0") out = "";
    if (out.replace(".", "").length >= 9) break;
    out += d;
  }
  return out;
}
