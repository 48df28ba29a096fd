/** The pool the sync, the sweeper and the CLIs run their work in: bounded, and every item run whatever fails. */
import { describe, expect, it } from 'vitest';
import { inPool } from '../../../src/kernel/pool';

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open = () => {};
  let fail: (error: Error) => void = () => {};
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every queued continuation run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('inPool', () => {
  it('runs at most `size` items at once, and the next as soon as one ends', async () => {
    // Prepare
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    // Act
    const done = inPool([0, 1, 2, 3], 2, async (item) => {
      started.push(item);
      await gates[item]?.promise;
    });
    await settle();
    // Assess
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    for (const each of gates) each.open();
    await done;
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('runs every item when one fails, then throws the first error', async () => {
    // Prepare
    const gates = [gate(), gate(), gate()];
    const finished: number[] = [];
    let settled = false;
    // Act
    const done = inPool([0, 1, 2], 1, async (item) => {
      await gates[item]?.promise;
      finished.push(item);
    }).finally(() => {
      settled = true;
    });
    gates[0]?.fail(new Error('first'));
    await settle();
    gates[1]?.fail(new Error('second'));
    await settle();
    // Assess
    expect(settled).toBe(false);
    gates[2]?.open();
    await expect(done).rejects.toThrow('first');
    expect(finished).toEqual([2]);
  });

  it('does nothing for no items', async () => {
    // Prepare
    const started: number[] = [];
    // Act
    await inPool([], 4, async (item: number) => {
      started.push(item);
    });
    // Assess
    expect(started).toEqual([]);
  });
});
