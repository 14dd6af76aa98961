//! The modifier dialog's rules: what each group asks, what a selection is worth, whether the
//! Add button may be pressed, and where to go after a choice.
import type { Item } from "../bindings/Item";
import type { ModifierChoice } from "../bindings/ModifierChoice";
import type { ModifierGroup } from "../bindings/ModifierGroup";
import type { Money } from "../bindings/Money";
import type { ChosenModifier } from "../bindings/ChosenModifier";

/** Chosen modifier ids per group id. */
export type Selection = Record<string, string[]>;

/** The groups of an item, in the order the item asks them (unknown ids skipped). */
export function groupsOf(item: Item, groups: readonly ModifierGroup[]): ModifierGroup[] {
  const byId = new Map(groups.map((g) => [g.id, g]));
  return item.modifier_group_ids.map((id) => byId.get(id)).filter((g): g is ModifierGroup => g !== undefined);
}

/** Does the item need the dialog before it can be added (a required group)? */
export function needsDialog(item: Item, groups: readonly ModifierGroup[]): boolean {
  return groupsOf(item, groups).some((g) => g.min > 0);
}

/** The rule in words: "choose 1", "up to 3", "choose 1 to 3", "choose 2". */
export function ruleText(g: Pick<ModifierGroup, "min" | "max">): string {
  if (g.min <= 0) return g.max === 1 ? "optional, up to 1" : `optional, up to ${g.max}`;
  if (g.min === g.max) return `choose ${g.min}`;
  return `choose ${g.min} to ${g.max}`;
}

/** A group is single-choice when at most one may be chosen. */
export const isSingle = (g: ModifierGroup): boolean => g.max === 1;

/** Is this group's choice within its min/max? */
export function groupSatisfied(g: ModifierGroup, sel: Selection): boolean {
  const n = (sel[g.id] ?? []).length;
  return n >= g.min && n <= g.max;
}

/** The groups whose rule is not yet met. */
export function unmetGroups(groups: readonly ModifierGroup[], sel: Selection): ModifierGroup[] {
  return groups.filter((g) => !groupSatisfied(g, sel));
}

/** The start selection: the given choices, plus the only option of a required one-option group
 *  (such groups are skipped, not asked). */
export function initialSelection(groups: readonly ModifierGroup[], chosen: readonly ModifierChoice[] = []): Selection {
  const sel: Selection = {};
  for (const g of groups) sel[g.id] = chosen.filter((c) => c.group_id === g.id).map((c) => c.modifier_id);
  for (const g of groups) {
    const only = g.modifiers[0];
    if (g.min >= 1 && g.modifiers.length === 1 && only && (sel[g.id] ?? []).length === 0) sel[g.id] = [only.id];
  }
  return sel;
}

/** Taps an option: a single-choice group replaces its choice; a multi-choice group toggles it,
 *  refusing a choice past `max` (the selection comes back unchanged). */
export function toggle(g: ModifierGroup, sel: Selection, modifierId: string): Selection {
  const cur = sel[g.id] ?? [];
  let next: string[];
  if (cur.includes(modifierId)) {
    next = cur.filter((id) => id !== modifierId);
  } else if (isSingle(g)) {
    next = [modifierId];
  } else if (cur.length >= g.max) {
    return sel;
  } else {
    // Keep the menu's order, not the tap order.
    const set = new Set([...cur, modifierId]);
    next = g.modifiers.map((m) => m.id).filter((id) => set.has(id));
  }
  return { ...sel, [g.id]: next };
}

/** The group to show after a choice in `g`: the next unmet group after it (wrapping), or null. */
export function nextGroupAfter(groups: readonly ModifierGroup[], g: ModifierGroup, sel: Selection): ModifierGroup | null {
  const i = groups.findIndex((x) => x.id === g.id);
  const order = [...groups.slice(i + 1), ...groups.slice(0, Math.max(i, 0))];
  return order.find((x) => !groupSatisfied(x, sel)) ?? null;
}

/** The choices to send, in group order. */
export function toChoices(groups: readonly ModifierGroup[], sel: Selection): ModifierChoice[] {
  return groups.flatMap((g) => (sel[g.id] ?? []).map((modifier_id) => ({ group_id: g.id, modifier_id })));
}

/** The unit price with the chosen deltas. */
export function unitPrice(item: Item, groups: readonly ModifierGroup[], sel: Selection): Money {
  let p = item.price;
  for (const g of groups) for (const m of g.modifiers) if ((sel[g.id] ?? []).includes(m.id)) p += m.price_delta;
  return p;
}

/** The choices a line holds, as a request carries them. */
export function choicesOf(mods: readonly ChosenModifier[]): ModifierChoice[] {
  return mods.map((m) => ({ group_id: m.group_id, modifier_id: m.modifier_id }));
}
