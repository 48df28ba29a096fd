/**
 * One row per state key: two rows for the same item (a shift's person and start, a record's
 * person and course) cannot both be written, and DynamoDB refuses a batch that names a key twice.
 * The first row stays; each later one is rejected, naming the line it repeats.
 */
import type { Rejection } from './rejection';

export function onePerKey<T extends { item: { pk: string; sk: string } }>(
  candidates: readonly T[],
  lineOf: (candidate: T) => number | null,
  shownOf: (candidate: T) => string,
  what: string,
  rejected: Rejection[],
): T[] {
  const first = new Map<string, T>();
  for (const candidate of candidates) {
    const key = `${candidate.item.pk}\n${candidate.item.sk}`;
    const kept = first.get(key);
    if (kept === undefined) first.set(key, candidate);
    else rejected.push({ line: lineOf(candidate), value: shownOf(candidate), reason: `the same ${what} as line ${lineOf(kept) ?? '?'}` });
  }
  return [...first.values()];
}
