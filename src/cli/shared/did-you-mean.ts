/**
 * "did you mean" for a misspelt name, as the rule parser gives for a rule item's attributes
 * (src/rules/rule-item.ts), with the same measure: at most two edits away, case aside. A name
 * cut short (`rule` for `rule_id`) counts as close too.
 */
import { editDistance } from '../../rules/rule-item';

const MAX_EDITS = 2;
/** A prefix this long or longer is taken for a name cut short. */
const MIN_PREFIX = 3;

/** The candidate nearest to `word`, when one is close enough to be what was meant. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const typed = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const edits = editDistance(typed, known);
    const distance = edits <= MAX_EDITS ? edits : typed.length >= MIN_PREFIX && known.startsWith(typed) ? MAX_EDITS + 1 : Number.POSITIVE_INFINITY;
    if (distance < (best?.distance ?? Number.POSITIVE_INFINITY)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates);
  return near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
}
