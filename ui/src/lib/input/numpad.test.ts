//! Tests of the numpad buffer and amount keys.
import { describe, expect, it } from "vitest";
import { amountKey, NumpadBuffer } from "./numpad";

describe("NumpadBuffer", () => {
  it("reads digits as a quantity", () => {
    const b = new NumpadBuffer().push("1").push("2");
    expect(b.value).toBe(12);
    expect(b.backspace().value).toBe(1);
    expect(b.clear().value).toBeNull();
  });
  it("drops a leading zero and stops at the length", () => {
    expect(new NumpadBuffer().push("0").empty).toBe(true);
    // One digit past the largest quantity, so 1000 reaches the terminal and is refused aloud
    // instead of being cut to 100 without a word.
    expect(new NumpadBuffer().push("1").push("0").push("0").push("0").value).toBe(1000);
    expect(new NumpadBuffer().push("9").push("9").push("9").push("9").push("9").value).toBe(9999);
  });
  it("ignores what is not a digit", () => {
    expect(new NumpadBuffer().push("a").empty).toBe(true);
  });
});

describe("amountKey", () => {
  it("types an amount", () => {
    let t = "";
    for (const k of ["5", "0", ".", "2", "5", "9"]) t = amountKey(t, k, 2);
    expect(t).toBe("50.25");
  });
  it("clears, deletes and adds double zeros", () => {
    expect(amountKey("12", "00", 2)).toBe("1200");
    expect(amountKey("12.5", "00", 2)).toBe("12.50");
    expect(amountKey("12", "⌫", 2)).toBe("1");
    expect(amountKey("12", "C", 2)).toBe("");
    expect(amountKey("", ".", 2)).toBe("0.");
    expect(amountKey("0", "5", 2)).toBe("5");
    expect(amountKey("15", ".", 0)).toBe("15");
  });
});
