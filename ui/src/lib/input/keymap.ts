//! The counter's keymap: which key does what, shown by F1. No key fires while typing in a text
//! field (the field keeps its keys), except Escape, which leaves the field or closes the dialog.

export type CounterAction =
  | { type: "digit"; digit: string }
  | { type: "enter" }
  | { type: "backspace" }
  | { type: "plus" }
  | { type: "minus" }
  | { type: "focus_search" }
  | { type: "void" }
  | { type: "send" }
  | { type: "pay" }
  | { type: "escape" }
  | { type: "help" };

/** What the keymap needs of a key event. */
export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** The keys, for the F1 overlay. */
export const COUNTER_KEYS: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: "0–9 then Enter", does: "Set the selected line's quantity" },
  { keys: "+ / −", does: "One more / one less of the selected line" },
  { keys: "/", does: "Search the menu" },
  { keys: "Del", does: "Void the selected line (manager PIN if sent)" },
  { keys: "F4", does: "Send new lines to the kitchen" },
  { keys: "F8", does: "Pay" },
  { keys: "Esc", does: "Close the dialog, or clear the selection" },
  { keys: "F1", does: "Show or hide these keys" },
  { keys: "Scanner", does: "Adds the scanned item (anywhere but a text field)" },
];

/** The action for a key, or null. `inTextField`: focus is in an input, textarea or editable. */
export function counterAction(ev: KeyLike, inTextField: boolean): CounterAction | null {
  if (ev.key === "Escape") return { type: "escape" };
  if (inTextField) return null;
  if (ev.ctrlKey || ev.altKey || ev.metaKey) return null;
  const k = ev.key;
  if (/^[0-9]$/.test(k)) return { type: "digit", digit: k };
  switch (k) {
    case "Enter":
      return { type: "enter" };
    case "Backspace":
      return { type: "backspace" };
    case "+":
      return { type: "plus" };
    case "-":
      return { type: "minus" };
    case "/":
      return { type: "focus_search" };
    case "Delete":
      return { type: "void" };
    case "F4":
      return { type: "send" };
    case "F8":
      return { type: "pay" };
    case "F1":
      return { type: "help" };
    default:
      return null;
  }
}

/** Is this element a place where a person types text (keys belong to it)? */
export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (el.getAttribute("type") ?? "text").toLowerCase();
    return !["button", "submit", "reset", "checkbox", "radio", "range", "color", "file", "image"].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}
