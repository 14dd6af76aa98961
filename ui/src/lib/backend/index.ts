//! Picks the transport at start: the Tauri bridge inside the desktop shell, HTTP elsewhere.
import { HttpBackend } from "./http";
import type { Backend } from "./types";

export * from "./types";

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** The backend for this window. */
export async function createBackend(): Promise<Backend> {
  if (inTauri()) {
    const { TauriBackend } = await import("./tauri");
    return new TauriBackend();
  }
  return new HttpBackend();
}
