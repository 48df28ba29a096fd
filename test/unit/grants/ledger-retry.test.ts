import { describe, expect, it } from 'vitest';
import { type Backoff, type LedgerStep, untilSettled } from '../../../src/grants/ledger-retry';
import { Deadline } from '../../../src/kernel/deadline';

/** A clock the backoff's sleeps advance, so the deadline arithmetic is exact. */
function fakeTime(random = () => 1) {
  let now = 0;
  const sleeps: number[] = [];
  const backoff: Backoff = {
    baseMs: 10,
    capMs: 200,
    replyMarginMs: 500,
    random,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { backoff, sleeps, deadline: (budgetMs: number) => new Deadline(budgetMs, () => now) };
}

describe('retry on contention', () => {
  it('backs off exponentially up to the cap until the step is done', async () => {
    // Prepare: held up nine times, then done.
    const time = fakeTime();
    let calls = 0;
    const step = async (): Promise<LedgerStep<string>> => (++calls < 10 ? { retry: 'conflict' } : { done: 'ok' });
    // Act
    const result = await untilSettled(time.deadline(8_000), step, () => 'gave up', time.backoff);
    // Assess
    expect(result).toBe('ok');
    expect(time.sleeps).toEqual([10, 20, 40, 80, 160, 200, 200, 200, 200]);
  });

  it('draws each delay at random below its ceiling (full jitter)', async () => {
    const time = fakeTime(() => 0.5);
    let calls = 0;
    await untilSettled(
      time.deadline(8_000),
      async (): Promise<LedgerStep<number>> => (++calls < 4 ? { retry: 'conflict' } : { done: calls }),
      () => 0,
      time.backoff,
    );
    expect(time.sleeps).toEqual([5, 10, 20]);
  });

  it('keeps trying for as long as the deadline leaves the reply margin, not a fixed count, then says why it stopped', async () => {
    // Prepare
    const time = fakeTime();
    let calls = 0;
    const step = async (): Promise<LedgerStep<string>> => {
      calls += 1;
      return { retry: 'revoking' };
    };
    // Act
    const result = await untilSettled(time.deadline(2_000), step, (why) => `gave up: ${why}`, time.backoff);
    // Assess: 10+20+40+80+160 = 310, then 200 a time while 500 ms stay after the sleep.
    expect(result).toBe('gave up: revoking');
    expect(time.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(1_500);
    expect(calls).toBeGreaterThan(3);
  });
});
