/**
 * `custom_field.matches` patterns run on RE2 (re2js, a pure-JS port), whose matching time is
 * linear in the input whatever the pattern: `^(a?){24}a{24}b` or `(a|aa)+$` cannot stall a
 * call. What RE2 cannot express (backreferences, lookaround) is refused with a clear message.
 * The engine is loaded on the first pattern compiled, so a function whose rules have no pattern
 * never pays for it at cold start (`npm run bench`).
 */
import type * as Re2Module from 're2js';

/**
 * Compiled programs larger than this are refused. Matching is linear in the input, but its
 * constant grows with the program: past a few thousand instructions re2js's state cache thrashes
 * and one 1,000-character value takes ~200 ms (`^(?:\w?\w?){800}#`); up to 1,000 it stays
 * within a few ms (`npm run bench`, "patterns").
 */
export const MAX_PROGRAM_SIZE = 1_000;

let engine: typeof Re2Module | undefined;

function re2(): typeof Re2Module {
  // Required on first use only: bundles ship it as re2js.js beside index.js (lib/bundling.ts LAZY_MODULES).
  engine ??= require('re2js') as typeof Re2Module;
  return engine;
}

export interface CompiledPattern {
  test(value: string): boolean;
}

export type PatternResult = { ok: true; pattern: CompiledPattern } | { ok: false; problem: string };

const cache = new Map<string, PatternResult>();
const MAX_CACHED_PATTERNS = 500;

/** Compiles (and caches) a pattern, or says in the admin's terms why it cannot be used. */
export function compilePattern(source: string): PatternResult {
  const cached = cache.get(source);
  if (cached) return cached;
  const result = compile(source);
  if (cache.size >= MAX_CACHED_PATTERNS) cache.clear();
  cache.set(source, result);
  return result;
}

function compile(source: string): PatternResult {
  const { RE2JS } = re2();
  let compiled: InstanceType<typeof RE2JS>;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : 'unknown error';
    return { ok: false, problem: unsupportedSyntax(source) ?? `not a valid RE2 pattern (${detail})` };
  }
  if (compiled.programSize() > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      problem: `pattern too complex (RE2 program of ${compiled.programSize()} instructions; at most ${MAX_PROGRAM_SIZE}): use fewer or smaller repetition counts`,
    };
  }
  return { ok: true, pattern: { test: (value) => compiled.test(value) } };
}

/** Names the JavaScript-only features RE2 lacks, which its own parse error words tersely. */
function unsupportedSyntax(source: string): string | null {
  // Escaped backslashes first, so `\\1` (a backslash then "1") is not taken for a backreference.
  const unescaped = source.replace(/\\\\/g, '');
  if (/\(\?<?[=!]/.test(unescaped)) return 'lookaround ((?=, (?!, (?<=, (?<!) is not supported: patterns use RE2 syntax';
  if (/\\[1-9]|\\k</.test(unescaped)) return 'backreferences (\\1, \\k<name>) are not supported: patterns use RE2 syntax';
  return null;
}
