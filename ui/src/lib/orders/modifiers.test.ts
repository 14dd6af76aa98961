//! Tests of the modifier dialog's rules against the demo burger (Cooking 1, Side 1, Extras 0–3).
import { describe, expect, it } from "vitest";
import type { Item } from "../bindings/Item";
import type { ModifierGroup } from "../bindings/ModifierGroup";
import { groupsOf, initialSelection, needsDialog, nextGroupAfter, ruleText, toChoices, toggle, unitPrice, unmetGroups } from "./modifiers";

const g = (id: string, min: number, max: number, mods: [string, number][]): ModifierGroup => ({
  id,
  name: id,
  min,
  max,
  modifiers: mods.map(([mid, d]) => ({ id: mid, name: mid, price_delta: d })),
});
const cooking = g("cooking", 1, 1, [["rare", 0], ["medium", 0], ["well", 0]]);
const side = g("side", 1, 1, [["fries", 0], ["salad", 0], ["sweet", 100]]);
const extras = g("extras", 0, 3, [["cheese", 100], ["bacon", 150], ["avocado", 120], ["onion", 0]]);
const only = g("only", 1, 1, [["the-one", 50]]);
const ice = g("ice", 0, 1, [["no-ice", 0]]);
const all = [cooking, side, extras, only, ice];
const item = (ids: string[]): Item => ({
  id: "burger",
  category_id: "c",
  name: "Burger",
  price: 1250,
  tax_rate_id: "t",
  modifier_group_ids: ids,
  barcode: null,
  available: true,
  stations: [],
});
const burger = item(["cooking", "side", "extras"]);

describe("modifier rules", () => {
  it("words the rules", () => {
    expect(ruleText(cooking)).toBe("choose 1");
    expect(ruleText(extras)).toBe("optional, up to 3");
    expect(ruleText({ min: 1, max: 3 })).toBe("choose 1 to 3");
  });
  it("opens the dialog only for required groups", () => {
    expect(needsDialog(burger, all)).toBe(true);
    expect(needsDialog(item(["ice"]), all)).toBe(false);
    expect(needsDialog(item([]), all)).toBe(false);
  });
  it("keeps the item's group order and skips unknown ids", () => {
    expect(groupsOf(item(["extras", "nope", "cooking"]), all).map((x) => x.id)).toEqual(["extras", "cooking"]);
  });
  it("keeps Add disabled until every required group is met", () => {
    const groups = groupsOf(burger, all);
    let sel = initialSelection(groups);
    expect(unmetGroups(groups, sel).map((x) => x.id)).toEqual(["cooking", "side"]);
    sel = toggle(cooking, sel, "medium");
    expect(unmetGroups(groups, sel).map((x) => x.id)).toEqual(["side"]);
    sel = toggle(side, sel, "sweet");
    expect(unmetGroups(groups, sel)).toEqual([]);
  });
  it("replaces the choice in a single-choice group and advances", () => {
    const groups = groupsOf(burger, all);
    let sel = toggle(cooking, initialSelection(groups), "rare");
    sel = toggle(cooking, sel, "well");
    expect(sel.cooking).toEqual(["well"]);
    expect(nextGroupAfter(groups, cooking, sel)?.id).toBe("side");
    sel = toggle(side, sel, "fries");
    expect(nextGroupAfter(groups, side, sel)).toBeNull();
  });
  it("refuses a choice past max and toggles off", () => {
    let sel = initialSelection([extras]);
    for (const m of ["cheese", "bacon", "avocado", "onion"]) sel = toggle(extras, sel, m);
    expect(sel.extras).toEqual(["cheese", "bacon", "avocado"]);
    sel = toggle(extras, sel, "bacon");
    expect(sel.extras).toEqual(["cheese", "avocado"]);
  });
  it("chooses the only option of a required one-option group", () => {
    expect(initialSelection([only, ice])).toEqual({ only: ["the-one"], ice: [] });
  });
  it("prices with deltas and sends choices in group order", () => {
    const groups = groupsOf(burger, all);
    let sel = initialSelection(groups);
    sel = toggle(extras, sel, "bacon");
    sel = toggle(side, sel, "sweet");
    sel = toggle(cooking, sel, "rare");
    expect(unitPrice(burger, groups, sel)).toBe(1250 + 100 + 150);
    expect(toChoices(groups, sel)).toEqual([
      { group_id: "cooking", modifier_id: "rare" },
      { group_id: "side", modifier_id: "sweet" },
      { group_id: "extras", modifier_id: "bacon" },
    ]);
  });
  it("starts from a line's choices when editing", () => {
    const groups = groupsOf(burger, all);
    const sel = initialSelection(groups, [{ group_id: "cooking", modifier_id: "rare" }]);
    expect(sel.cooking).toEqual(["rare"]);
  });
});
