/**
 * Runs concurrent operations in an order chosen from a list of numbers (a fast-check draw), one
 * step at a time: every place an operation can wait on another (a held call at the target, a
 * retry's sleep) is a Parking, and a step is taken only once every started operation has
 * finished or waits in one. A step starts an operation or releases one waiting item, so the
 * order of events is the choices' alone, never how long anything took.
 */
import type { Parking } from './parking';

export async function interleave<T>(operations: readonly (() => Promise<T>)[], stops: readonly Parking<unknown>[], choices: readonly number[]): Promise<T[]> {
  const results: Promise<T>[] = [];
  const unstarted = operations.map((_operation, index) => index);
  let running = 0;
  let finished: () => void = () => {};
  const waiting = () => stops.reduce((sum, stop) => sum + stop.parked.length, 0);
  for (let step = 0; ; step += 1) {
    // Until every started operation waits somewhere or has finished.
    while (running > waiting()) {
      await Promise.race([...stops.map((stop) => stop.changed()), new Promise<void>((resolve) => (finished = resolve))]);
    }
    const options: (() => void)[] = [
      ...unstarted.map((index) => () => {
        unstarted.splice(unstarted.indexOf(index), 1);
        running += 1;
        const operation = operations[index] as () => Promise<T>;
        results[index] = operation().finally(() => {
          running -= 1;
          finished();
        });
      }),
      ...stops.flatMap((stop) => stop.parked.map((parked) => () => parked.release())),
    ];
    if (options.length === 0) break;
    (options[(choices[step] ?? 0) % options.length] as () => void)();
  }
  return Promise.all(results);
}
