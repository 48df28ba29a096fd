/**
 * Regular expressions admins write in `custom_field.matches` run on every request, so a pattern
 * that can backtrack catastrophically would stall the function. Heuristic checks (star height
 * alone) miss patterns like `(a|aa)+$`; this check is stricter: inside a repetition there may be
 * no alternation, no further repetition and no backreference, and only two repetitions of
 * variable width per pattern. Simple patterns (`^INC-[0-9]+$`, `^(prod|staging)-db$`) pass.
 */
import ret, { types, type Tokens } from 'ret';

/**
 * Variable-width repetitions (`+`, `*`, `?`-free `{m,n}` with m ≠ n) per pattern. Measured in V8
 * on 1,000 characters: two take ~150 ms at worst, three ~35 s; eight `.{0,16}` take 32 s, so
 * bounded ones count too.
 */
const MAX_VARIABLE_REPETITIONS = 2;

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
  let variable = 0;
  let problem: string | null = null;
  walk(root, false, (token, insideRepetition) => {
    if (token.type === types.REFERENCE) problem ??= 'backreferences are not allowed';
    if (token.type === types.REPETITION && token.max > 1) {
      if (token.max !== token.min) variable += 1;
      if (insideRepetition) problem ??= 'a repetition inside a repetition may backtrack catastrophically; use a character class such as [a-z0-9]+';
    }
    if (insideRepetition && (token.type === types.GROUP || token.type === types.ROOT) && token.options) {
      problem ??= 'alternatives inside a repetition may backtrack catastrophically; use a character class such as [ab]+';
    }
  });
  if (problem) return problem;
  if (variable > MAX_VARIABLE_REPETITIONS) return `at most ${MAX_VARIABLE_REPETITIONS} variable repetitions (+, *, {m,n}) per pattern`;
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
