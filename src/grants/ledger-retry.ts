/**
 * The one retry loop of provisioning and deprovisioning: a step on one grant is tried again
 * while another call holds it up (a version-checked write lost to a concurrent one, or a grant or
 * removal in progress at the target), with full-jitter exponential backoff, for as long as the call's deadline leaves
 * a margin for the reply. No fixed attempt count: a fixed count without backoff made most of 50
 * concurrent calls on one grant fail, while the deadline is what Lumos actually waits on.
 */
import type { Deadline } from '../kernel/deadline';

/** Why a step wants another try. */
export type HeldUp = 'conflict' | 'granting' | 'revoking';

/** What a permission's result says when its call gave up waiting. */
export const GAVE_UP: Record<HeldUp, string> = {
  conflict: 'the grants ledger kept changing under concurrent calls; send it again',
  granting: 'another call is granting this access and did not finish in time; send it again',
  revoking: 'another call is removing this access and did not finish in time; send it again',
};

export type LedgerStep<T> = { done: T } | { retry: HeldUp };

export interface Backoff {
  baseMs: number;
  capMs: number;
  /** Left on the deadline for what follows the loop (the audit write and the reply). */
  replyMarginMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const LEDGER_BACKOFF: Backoff = {
  baseMs: 15,
  capMs: 200,
  replyMarginMs: 500,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Runs `step` until it is done; `gaveUp` answers when the deadline leaves no room for another try. */
export async function untilSettled<T>(
  deadline: Deadline,
  step: () => Promise<LedgerStep<T>>,
  gaveUp: (why: HeldUp) => T,
  backoff: Backoff = LEDGER_BACKOFF,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await step();
    if ('done' in outcome) return outcome.done;
    const delayMs = backoff.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
    if (deadline.remainingMs() - delayMs < backoff.replyMarginMs) return gaveUp(outcome.retry);
    await backoff.sleep(delayMs);
  }
}
