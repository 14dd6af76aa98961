//! Reconnect delays for the change stream: doubling, capped, with jitter.

/** Smallest delay before a reconnect (ms). */
export const BACKOFF_MIN_MS = 500;
/** Largest delay before a reconnect (ms). */
export const BACKOFF_MAX_MS = 10_000;

/** The delay before reconnect attempt `attempt` (0 for the first), with `random` in [0, 1)
 *  spreading it by up to ±20 % so terminals do not reconnect in step. */
export function backoffDelay(attempt: number, random: number = Math.random()): number {
  const n = Math.max(0, Math.min(attempt, 20));
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** n);
  const jitter = 1 + (Math.min(Math.max(random, 0), 1) - 0.5) * 0.4;
  return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, base * jitter)));
}
