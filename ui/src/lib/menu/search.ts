//! Menu search: by name (case and accents ignored, any word start or inside) or by barcode prefix.
import type { Item } from "../bindings/Item";

/** Lower case without accents: "Crème" → "creme". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Items matching `query`, names starting with it first, then the menu's order. */
export function searchItems(items: readonly Item[], query: string): Item[] {
  const q = fold(query.trim());
  if (!q) return [];
  const hits = items.filter((i) => fold(i.name).includes(q) || (i.barcode !== null && i.barcode.startsWith(q)));
  const starts = (i: Item) => (fold(i.name).startsWith(q) ? 0 : 1);
  return hits.map((item, idx) => ({ item, idx })).sort((a, b) => starts(a.item) - starts(b.item) || a.idx - b.idx).map((x) => x.item);
}
