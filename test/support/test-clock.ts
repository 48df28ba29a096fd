/**
 * Time the test controls: a clock that stands still unless the test (or a retry's sleep) moves
 * it on, and the grants ledger's retry backoff on it, whose sleeps either move the clock on
 * instead of waiting, wait for the test (parked), or wait as in production.
 */
import { type Backoff, LEDGER_BACKOFF } from '../../src/grants/ledger-retry';
import { Parking } from './parking';

export class TestClock {
  #startMs = Date.now();
  /** How far the clock has been moved on since it was set, ms. */
  offsetMs = 0;

  /** Stands still but for `offsetMs`: nothing a test asserts depends on how fast the machine is. */
  readonly now = (): Date => new Date(this.#startMs + this.offsetMs);

  /** Set to the real time, standing still there. */
  reset(): void {
    this.#startMs = Date.now();
    this.offsetMs = 0;
  }
}

/**
 * What a sleep of the backoff does: `skip` moves the clock on by the sleep and goes on at once
 * (a wait for another call's mark to run out takes no time), `park` waits until the test
 * releases it (`parked`: a call held up by another one is seen waiting), `real` sleeps.
 */
export type SleepMode = 'skip' | 'park' | 'real';

export interface TestBackoff extends Backoff {
  mode: SleepMode;
  /** The jitter; the tests give it a stream of the run's seed. */
  random: () => number;
  readonly parked: Parking<number>;
  /** Every sleep asked for since the last reset, ms. */
  sleptMs: number;
}

export function testBackoff(clock: TestClock): TestBackoff {
  const parked = new Parking<number>();
  const backoff: TestBackoff = {
    baseMs: LEDGER_BACKOFF.baseMs,
    capMs: LEDGER_BACKOFF.capMs,
    replyMarginMs: LEDGER_BACKOFF.replyMarginMs,
    mode: 'real',
    random: () => 0.5,
    parked,
    sleptMs: 0,
    sleep: async (ms) => {
      backoff.sleptMs += ms;
      if (backoff.mode === 'skip') clock.offsetMs += ms;
      else if (backoff.mode === 'park') await parked.park(ms);
      else await LEDGER_BACKOFF.sleep(ms);
    },
  };
  return backoff;
}
