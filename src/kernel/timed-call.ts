import type { Deadline } from './deadline';
import { DeadlineExceededError } from './errors';

/** setTimeout fires at once for a delay past this (a 32-bit count of milliseconds). */
const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * Runs one outside call (an HTTP request with its body, a DynamoDB or Secrets Manager request)
 * with an abort signal that fires when the deadline has nothing left, or after `maxCallMs`,
 * whichever comes first.
 *
 * The call owns its AbortController and its timer for its whole lifetime, and the timer is
 * cleared in `finally`. AbortSignal's own timeout and combined (`any`) signals are held only
 * weakly: after a garbage collection they may never fire, and the call waits for ever. The call
 * also ends when the timer fires even if the callee ignores the signal.
 *
 * Throws DeadlineExceededError when nothing is left before the call (so `call` never ran), and
 * when the timer fires, whatever the callee threw after that.
 */
export async function timedCall<T>(deadline: Deadline, what: string, maxCallMs: number | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limitMs = Math.min(deadline.remainingMs(), maxCallMs ?? Number.POSITIVE_INFINITY, LONGEST_TIMER_MS);
  if (limitMs <= 0) throw new DeadlineExceededError(`deadline reached before ${what}`);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(`deadline reached while ${what} (after ${limitMs} ms)`);
      controller.abort(error);
      reject(error);
    }, limitMs);
  });
  try {
    return await Promise.race([call(controller.signal), timedOut]);
  } catch (error) {
    // Whatever the callee made of the abort (an AbortError, "terminated", a cut-off body), it is a timeout.
    if (controller.signal.aborted) throw new DeadlineExceededError(`deadline reached while ${what} (after ${limitMs} ms)`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
