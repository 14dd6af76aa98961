//! The manager's approval, asked in place: an operation refused with `approval_required` is
//! sent again, unchanged but for `approval: { pin }`, once a manager types a PIN. A refused PIN
//! (`approval_denied`) is said in the same dialog; other errors go back to the caller.
import type { Approval } from "../lib/bindings/Approval";
import { ApiFailure, isFailure } from "../lib/backend";

/** Thrown when the person closes the PIN dialog. */
export class ApprovalCancelled extends Error {
  constructor() {
    super("Approval cancelled.");
    this.name = "ApprovalCancelled";
  }
}

interface Pending {
  retry: (pin: string) => Promise<void>;
  cancel: () => void;
}

class Approvals {
  /** Why a PIN is asked (the server's words); null when the dialog is closed. */
  message = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  private pending: Pending | null = null;

  get open(): boolean {
    return this.message !== null;
  }

  /** Runs `op` without approval; when the server asks for one, asks for a manager's PIN and runs
   *  it again with it, until it passes, fails otherwise, or the person cancels. */
  async run<T>(op: (approval?: Approval) => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (!isFailure(e, "approval_required")) throw e;
      return await new Promise<T>((resolve, reject) => {
        this.error = null;
        this.message = e.message;
        this.pending = {
          retry: async (pin) => {
            this.busy = true;
            this.error = null;
            try {
              const out = await op({ pin });
              this.close();
              resolve(out);
            } catch (err) {
              if (isFailure(err, "approval_denied") || isFailure(err, "wrong_pin") || (err instanceof ApiFailure && err.field === "approval")) {
                this.error = err.message;
              } else if (isFailure(err, "network")) {
                this.error = err.message;
              } else {
                this.close();
                reject(err);
              }
            } finally {
              this.busy = false;
            }
          },
          cancel: () => {
            this.close();
            reject(new ApprovalCancelled());
          },
        };
      });
    }
  }

  submit(pin: string): Promise<void> {
    return this.pending?.retry(pin) ?? Promise.resolve();
  }

  cancel(): void {
    this.pending?.cancel();
  }

  private close(): void {
    this.message = null;
    this.error = null;
    this.busy = false;
    this.pending = null;
  }
}

export const approvals = new Approvals();
