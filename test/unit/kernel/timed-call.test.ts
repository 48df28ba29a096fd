/**
 * The one timer every outside call runs under: it fires at the deadline or the call's own
 * limit, survives a garbage collection, ends the call even when the callee ignores its signal,
 * and is gone once the call has settled.
 */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { DeadlineExceededError } from '../../../src/kernel/errors';
import { timedCall } from '../../../src/kernel/timed-call';
import { collectGarbage } from '../../support/stalling-server';

const SLACK_MS = 500;
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('timedCall', () => {
  it('16.6 a call that never settles and ignores its signal ends at the deadline as deadline_exceeded, after a forced collection', async () => {
    // Prepare
    let given: AbortSignal | undefined;
    const started = Date.now();

    // Act
    const ending = timedCall(new Deadline(400), 'calling a stalled system', undefined, (signal) => {
      given = signal;
      return new Promise<never>(() => undefined);
    }).catch((error: unknown) => error);
    collectGarbage();
    const error = await ending;

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).reason).toBe('deadline_exceeded');
    expect((error as Error).message).toMatch(/^deadline reached while calling a stalled system/);
    expect(given?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(400 + SLACK_MS);
  });

  it('16.6 ends at the call limit when that comes before the deadline', async () => {
    // Prepare
    const started = Date.now();

    // Act
    const error = await timedCall(new Deadline(60_000), 'calling a stalled system', 300, () => new Promise<never>(() => undefined)).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(300 + SLACK_MS);
  });

  it('16.6 calls nothing when the deadline has nothing left', async () => {
    // Prepare
    let called = false;

    // Act
    const error = await timedCall(new Deadline(0), 'calling a system', undefined, async () => {
      called = true;
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe('deadline reached before calling a system');
    expect(called).toBe(false);
  });

  it('gives back the answer or the error of a call that settles in time, and leaves no timer behind', async () => {
    // Prepare
    const before = timers();
    const refused = new Error('refused');

    // Act
    const answer = await timedCall(new Deadline(60_000), 'calling a system', 30_000, async () => 'answer');
    const error = await timedCall(new Deadline(60_000), 'calling a system', 30_000, async () => Promise.reject(refused)).catch((caught: unknown) => caught);

    // Assess
    expect(answer).toBe('answer');
    expect(error).toBe(refused);
    expect(timers()).toBe(before);
  });
});
