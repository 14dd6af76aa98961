//! The desktop transport: the Tauri command `api` (`{ name, token, args }`) and the
//! `comanda://change` event. Loaded only inside the Tauri webview.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Change } from "../bindings/Change";
import { networkFailure, toFailure, type Backend } from "./types";

export class TauriBackend implements Backend {
  private token: string | null = null;

  async call<T>(name: string, args: object): Promise<T> {
    try {
      return await invoke<T>("api", { name, token: this.token, args });
    } catch (e) {
      if (e === undefined || e === null) throw networkFailure();
      throw toFailure(e);
    }
  }

  onChange(cb: (c: Change) => void): () => void {
    let stop: (() => void) | null = null;
    let cancelled = false;
    listen<Change>("comanda://change", (ev) => cb(ev.payload))
      .then((un) => {
        if (cancelled) un();
        else stop = un;
      })
      .catch((e: unknown) => console.error("cannot listen for changes", e));
    return () => {
      cancelled = true;
      stop?.();
    };
  }

  setToken(token: string | null): void {
    this.token = token;
  }
}
