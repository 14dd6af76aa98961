//! Tests of the counter keymap: what each key does, and that none fires in a text field.
import { describe, expect, it } from "vitest";
import { counterAction, isTextField } from "./keymap";

describe("counterAction", () => {
  it.each([
    ["7", { type: "digit", digit: "7" }],
    ["Enter", { type: "enter" }],
    ["+", { type: "plus" }],
    ["-", { type: "minus" }],
    ["/", { type: "focus_search" }],
    ["Delete", { type: "void" }],
    ["F4", { type: "send" }],
    ["F8", { type: "pay" }],
    ["F1", { type: "help" }],
    ["Escape", { type: "escape" }],
    ["Backspace", { type: "backspace" }],
  ])("%s", (key, action) => {
    expect(counterAction({ key }, false)).toEqual(action);
  });
  it("ignores other keys and chords", () => {
    expect(counterAction({ key: "a" }, false)).toBeNull();
    expect(counterAction({ key: "F5" }, false)).toBeNull();
    expect(counterAction({ key: "4", ctrlKey: true }, false)).toBeNull();
  });
  it("fires nothing but Escape in a text field", () => {
    for (const key of ["7", "Enter", "+", "-", "/", "Delete", "F4", "F8", "F1", "Backspace"]) {
      expect(counterAction({ key }, true)).toBeNull();
    }
    expect(counterAction({ key: "Escape" }, true)).toEqual({ type: "escape" });
  });
});

describe("isTextField", () => {
  const el = (tagName: string, type?: string, editable = false) =>
    ({ tagName, getAttribute: (n: string) => (n === "type" ? (type ?? null) : null), isContentEditable: editable }) as unknown as Element;
  it("knows text fields", () => {
    expect(isTextField(el("INPUT"))).toBe(true);
    expect(isTextField(el("INPUT", "search"))).toBe(true);
    expect(isTextField(el("INPUT", "password"))).toBe(true);
    expect(isTextField(el("TEXTAREA"))).toBe(true);
    expect(isTextField(el("DIV", undefined, true))).toBe(true);
  });
  it("knows what is not one", () => {
    expect(isTextField(el("INPUT", "checkbox"))).toBe(false);
    expect(isTextField(el("BUTTON"))).toBe(false);
    expect(isTextField(el("DIV"))).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});
