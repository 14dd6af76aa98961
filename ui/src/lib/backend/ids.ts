//! Ids the caller chooses (orders, lines, payments, discounts): UUID v4 strings, the
//! idempotency keys of retries. `crypto.randomUUID` exists only in secure contexts, so a page
//! served over plain http from another host falls back to `getRandomValues`.

/** A fresh UUID v4. */
export function newId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
