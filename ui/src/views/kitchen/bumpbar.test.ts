import { describe, expect, it } from "vitest";
import { DEFAULT_KEYMAP, actionOf, keyLabel, loadKeymap, remap, saveKeymap } from "./bumpbar";

describe("the bump bar's keys", () => {
  it("does what ui.md says by default", () => {
    expect(actionOf(DEFAULT_KEYMAP, "3")).toBe("slot3");
    expect(actionOf(DEFAULT_KEYMAP, "Enter")).toBe("bump");
    expect(actionOf(DEFAULT_KEYMAP, "Backspace")).toBe("recall");
    expect(actionOf(DEFAULT_KEYMAP, "S")).toBe("all_day");
    expect(actionOf(DEFAULT_KEYMAP, "PageDown")).toBe("page_down");
    expect(actionOf(DEFAULT_KEYMAP, "x")).toBeNull();
  });

  it("moves a key to the action it is pressed for, taking it from the one that had it", () => {
    const m = remap(DEFAULT_KEYMAP, "bump", "b")!;
    expect(actionOf(m, "b")).toBe("bump");
    expect(actionOf(m, "B")).toBe("bump");
    expect(actionOf(m, "Enter")).toBeNull();
    const m2 = remap(m, "recall", "b")!;
    expect(actionOf(m2, "b")).toBe("recall");
    expect(m2.bump).toBe("");
    expect(keyLabel(m2.bump)).toBe("—");
  });

  it("refuses the keys a person needs to leave the dialog", () => {
    expect(remap(DEFAULT_KEYMAP, "bump", "Escape")).toBeNull();
    expect(remap(DEFAULT_KEYMAP, "bump", "Tab")).toBeNull();
  });

  it("keeps the map per terminal and survives a broken one", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveKeymap(remap(DEFAULT_KEYMAP, "bump", "F12")!, storage);
    expect(loadKeymap(storage).bump).toBe("F12");
    store.set("comanda.kitchen.keys", "{not json");
    expect(loadKeymap(storage)).toEqual(DEFAULT_KEYMAP);
  });

  it("labels keys for people", () => {
    expect(keyLabel("ArrowLeft")).toBe("←");
    expect(keyLabel("s")).toBe("S");
    expect(keyLabel("PageUp")).toBe("PgUp");
  });
});
