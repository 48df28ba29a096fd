/** Order statistics: on a noisy shared machine we report medians and percentiles, never means. */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples');
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile, `p` in (0, 1]. */
export function percentile(values: readonly number[], p: number): number {
  const ordered = sorted(values);
  const rank = Math.min(ordered.length, Math.max(1, Math.ceil(p * ordered.length)));
  return ordered[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 === 1 ? (ordered[middle] as number) : ((ordered[middle - 1] as number) + (ordered[middle] as number)) / 2;
}

/**
 * The mean of the middle half: as steady as a mean where the samples are well behaved, and a
 * quarter of them at either end (a stalled child, a lucky one) cannot move it.
 */
export function interquartileMean(values: readonly number[]): number {
  const ordered = sorted(values);
  const cut = Math.floor(ordered.length / 4);
  const middle = ordered.length - 2 * cut > 0 ? ordered.slice(cut, ordered.length - cut) : ordered;
  return middle.reduce((sum, value) => sum + value, 0) / middle.length;
}

function pairs<T>(a: readonly number[], b: readonly number[], each: (x: number, y: number) => T): T[] {
  if (a.length !== b.length) throw new Error(`unpaired samples: ${a.length} and ${b.length}`);
  return a.map((x, index) => each(x, b[index] as number));
}

/**
 * Samples taken in the same rounds, compared round by round: the median of the per-round
 * ratios. A disturbance that lasts a while (another process's burst, a JVM collecting) lands on
 * both sides of a pair, so it cancels instead of moving one side's median.
 */
export function medianRatio(numerators: readonly number[], denominators: readonly number[]): number {
  return median(pairs(numerators, denominators, (x, y) => x / y));
}

/** Per-round differences `a − b` of samples taken in the same rounds. */
export function differences(a: readonly number[], b: readonly number[]): number[] {
  return pairs(a, b, (x, y) => x - y);
}

/** Milliseconds elapsed since a `process.hrtime.bigint()` reading. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
