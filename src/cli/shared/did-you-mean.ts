/**
 * "did you mean" for a misspelt name, as the rule parser gives for a rule item's attributes
 * (src/rules/rule-item.ts), with the same measure: at most two edits away, case aside.
 */
import { editDistance } from '../../rules/rule-item';

const MAX_EDITS = 2;

/** The candidate nearest to `word`, when one is close enough to be what was meant. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= MAX_EDITS && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates);
  return near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
}
