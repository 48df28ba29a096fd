/**
 * The order subjects run in within one round: a new one each round, seeded so runs are
 * comparable. In a fixed order each subject would always follow the same neighbour, and what a
 * heavy neighbour leaves behind (a busy JVM, caches, CPU frequency) would weigh on one subject
 * more than on the others.
 */

/** A small deterministic generator (mulberry32): the same orders on every run. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The indexes 0..count-1, shuffled (Fisher–Yates). */
export function roundOrder(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  return order;
}

export const BENCH_SEED = 20_261_129;
