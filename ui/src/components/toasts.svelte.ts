//! Short messages near the action: errors without a field, confirmations, scan misses.

export type ToastKind = "info" | "error" | "success";

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

/** Most toasts on screen at once. */
const MAX_TOASTS = 3;

class Toasts {
  list = $state<Toast[]>([]);
  private next = 1;

  /** Shows a message for `ms` (errors stay longer). */
  show(message: string, kind: ToastKind = "info", ms = kind === "error" ? 6000 : 3000): void {
    const id = this.next++;
    this.list = [...this.list.filter((t) => t.message !== message), { id, kind, message }].slice(-MAX_TOASTS);
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
  }

  clear(): void {
    this.list = [];
  }
}

export const toasts = new Toasts();
