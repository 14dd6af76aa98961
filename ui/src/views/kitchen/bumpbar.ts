// The kitchen's keys (a bump bar is a keyboard): which key does what, remappable by pressing the
// key, kept per terminal (the bar is this terminal's hardware). A key names one action at most:
// giving an action a key another one had takes it from that one.

export type KitchenAction =
  | "slot1" | "slot2" | "slot3" | "slot4" | "slot5" | "slot6" | "slot7" | "slot8" | "slot9"
  | "left" | "right" | "page_up" | "page_down" | "bump" | "bump_first" | "recall" | "start" | "all_day";

/** Every action, in the order the keys dialog lists them, with its words. */
export const ACTIONS: ReadonlyArray<{ action: KitchenAction; does: string }> = [
  ...([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map((n) => ({ action: `slot${n}` as KitchenAction, does: `Select ticket ${n}` })),
  { action: "left", does: "Select the ticket before" },
  { action: "right", does: "Select the ticket after" },
  { action: "page_up", does: "Page back" },
  { action: "page_down", does: "Page on" },
  { action: "bump", does: "Bump the selected ticket" },
  { action: "bump_first", does: "Bump the oldest ticket" },
  { action: "recall", does: "Recall the last bumped" },
  { action: "start", does: "Start the selected ticket" },
  { action: "all_day", does: "Show or hide all-day counts" },
];

export type Keymap = Record<KitchenAction, string>;

/** The keys of ui.md, "Kitchen". */
export const DEFAULT_KEYMAP: Keymap = {
  slot1: "1", slot2: "2", slot3: "3", slot4: "4", slot5: "5", slot6: "6", slot7: "7", slot8: "8", slot9: "9",
  left: "ArrowLeft", right: "ArrowRight", page_up: "PageUp", page_down: "PageDown",
  bump: "Enter", bump_first: "Home", recall: "Backspace", start: "Insert", all_day: "s",
};

/** A key as the map keeps it: letters in lower case, so S and s are one key. */
export function keyName(key: string): string {
  return key.length === 1 ? key.toLowerCase() : key;
}

/** The action of a key, or null. */
export function actionOf(map: Keymap, key: string): KitchenAction | null {
  const k = keyName(key);
  for (const { action } of ACTIONS) if (map[action] === k) return action;
  return null;
}

/** `map` with `key` on `action`; an action that had that key loses it (shown as unset). Keys
 *  a terminal cannot do without (Escape, Tab) are refused: null. */
export function remap(map: Keymap, action: KitchenAction, key: string): Keymap | null {
  const k = keyName(key);
  if (k === "Escape" || k === "Tab" || k === "" || k === "Unidentified") return null;
  const out = { ...map };
  for (const { action: a } of ACTIONS) if (out[a] === k) out[a] = "";
  out[action] = k;
  return out;
}

/** A key for people: "←", "Enter", "S". */
export function keyLabel(key: string): string {
  const words: Record<string, string> = {
    ArrowLeft: "←", ArrowRight: "→", ArrowUp: "↑", ArrowDown: "↓", Backspace: "⌫", " ": "Space",
    PageUp: "PgUp", PageDown: "PgDn",
  };
  if (!key) return "—";
  return words[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}

const STORE_KEY = "comanda.kitchen.keys";

/** The map this terminal keeps (the default where it keeps none, or a broken one). */
export function loadKeymap(storage: Pick<Storage, "getItem"> = localStorage): Keymap {
  try {
    const saved = JSON.parse(storage.getItem(STORE_KEY) ?? "null") as Partial<Keymap> | null;
    if (!saved || typeof saved !== "object") return { ...DEFAULT_KEYMAP };
    const out = { ...DEFAULT_KEYMAP };
    for (const { action } of ACTIONS) {
      const v = saved[action];
      if (typeof v === "string") out[action] = v;
    }
    return out;
  } catch {
    return { ...DEFAULT_KEYMAP };
  }
}

/** Keeps the map on this terminal. */
export function saveKeymap(map: Keymap, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(STORE_KEY, JSON.stringify(map));
}
