/**
 * Regular expressions admins write in `custom_field.matches` run on every request, so a pattern
 * that can backtrack catastrophically would stall the function. Heuristic checks (star height
 * alone) miss patterns like `(a|aa)+$`; this check is stricter: inside a repetition there may be
 * no alternation, no further repetition and no backreference, and the pattern may repeat without
 * bound only a few times. Simple patterns (`^INC-[0-9]+$`, `^(prod|staging)-db$`) pass.
 */
import ret, { types, type Tokens } from 'ret';

/** Measured: two such repetitions over 1,000 characters take ~150 ms at worst in V8, three take ~35 s. */
const MAX_UNBOUNDED_REPETITIONS = 2;
/** `{0,1000}` backtracks like `*`. */
const LARGE_REPETITION = 16;

/** Why the pattern is refused, or null when it is safe to run. */
export function unsafePatternReason(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch {
    return 'not a valid regular expression';
  }
  let root: Tokens;
  try {
    root = ret(pattern);
  } catch {
    return 'not a valid regular expression';
  }
  let unbounded = 0;
  let problem: string | null = null;
  walk(root, false, (token, insideRepetition) => {
    if (token.type === types.REFERENCE) problem ??= 'backreferences are not allowed';
    if (token.type === types.REPETITION && token.max > 1) {
      if (token.max > LARGE_REPETITION) unbounded += 1;
      if (insideRepetition) problem ??= 'a repetition inside a repetition may backtrack catastrophically; use a character class such as [a-z0-9]+';
    }
    if (insideRepetition && (token.type === types.GROUP || token.type === types.ROOT) && token.options) {
      problem ??= 'alternatives inside a repetition may backtrack catastrophically; use a character class such as [ab]+';
    }
  });
  if (problem) return problem;
  if (unbounded > MAX_UNBOUNDED_REPETITIONS) return `at most ${MAX_UNBOUNDED_REPETITIONS} unbounded repetitions (+, *, {n,}) per pattern`;
  return null;
}

function walk(token: Tokens, insideRepetition: boolean, visit: (token: Tokens, insideRepetition: boolean) => void): void {
  visit(token, insideRepetition);
  if (token.type === types.REPETITION) {
    walk(token.value, insideRepetition || token.max > 1, visit);
    return;
  }
  if (token.type === types.GROUP || token.type === types.ROOT) {
    for (const child of token.stack ?? []) walk(child, insideRepetition, visit);
    for (const option of token.options ?? []) for (const child of option) walk(child, insideRepetition, visit);
  }
}
