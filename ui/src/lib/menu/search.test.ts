//! Tests of menu search.
import { describe, expect, it } from "vitest";
import type { Item } from "../bindings/Item";
import { fold, searchItems } from "./search";

const item = (name: string, barcode: string | null = null): Item => ({
  id: name,
  category_id: "c",
  name,
  price: 100,
  tax_rate_id: "t",
  modifier_group_ids: [],
  barcode,
  available: true,
  stations: [],
});
const menu = [item("Classic Burger"), item("Cola", "5449000000996"), item("Crème brûlée"), item("Chicken Burger"), item("Burger Deluxe")];

describe("searchItems", () => {
  it("finds by name, ignoring case and accents, starts first", () => {
    expect(searchItems(menu, "burger").map((i) => i.name)).toEqual(["Burger Deluxe", "Classic Burger", "Chicken Burger"]);
    expect(searchItems(menu, "CREME").map((i) => i.name)).toEqual(["Crème brûlée"]);
  });
  it("finds by barcode prefix", () => {
    expect(searchItems(menu, "5449").map((i) => i.name)).toEqual(["Cola"]);
  });
  it("finds nothing for an empty query", () => {
    expect(searchItems(menu, "  ")).toEqual([]);
  });
  it("folds", () => {
    expect(fold("Ñandú")).toBe("nandu");
  });
});
