/**
 * Why patterns run on RE2: the pattern behind a ~10 s stall (`^(a?){n}a{n}b` against n×2 "a"),
 * timed on V8's backtracking RegExp for small n, where its time doubles with each step, and on
 * the linear-time engine the rules use, up to the 1,000-character cap; and the slowest program
 * size a rule may use. Each RE2 case is a program's first match, as a call that brings a new
 * pattern pays it (re2js builds its state cache as it matches, so a second match of the same
 * input costs a tenth), taken on freshly compiled programs in a warm process: the first matches
 * of a process also pay for V8 compiling re2js's own code (5–10 ms for the largest program, until
 * about the eighth), which the cold-call budget holds, so as many untimed matches go first, and
 * the median of the timed ones stands.
 */
import type * as PatternModule from '../../src/rules/pattern';
import { median } from './stats';

const PATTERN_MODULE = require.resolve('../../src/rules/pattern');

/** The rules' own compile, from a fresh copy of its module: its cache would hand back a program that has matched before. */
function freshlyCompiled(source: string): PatternModule.CompiledPattern {
  delete require.cache[PATTERN_MODULE];
  const { compilePattern } = require(PATTERN_MODULE) as typeof PatternModule;
  const compiled = compilePattern(source);
  if (!compiled.ok) throw new Error(compiled.problem);
  return compiled.pattern;
}

/** Timed first matches of each RE2 case (after as many untimed), each on a freshly compiled program; their median is reported. */
export const RE2_RUNS = 11;

export interface PatternTiming {
  engine: 'V8 RegExp' | 'RE2 (rules)';
  pattern: string;
  inputLength: number;
  /** V8: one run; RE2: the median of RE2_RUNS runs. */
  ms: number;
}

const stalling = (n: number) => `^(a?){${n}}a{${n}}b`;
/** A program of nearly the 1,000 instructions a rule's pattern may compile to. */
const LARGEST_ALLOWED = '(?:a?b?){240}c$';

/**
 * The CPU time one test takes: a match holds the core from start to end, so on a quiet machine
 * this is its latency, and on a busy one the time spent waiting for the core stays out.
 */
function timed(test: () => boolean): number {
  const start = process.cpuUsage();
  if (test()) throw new Error('the measured patterns must not match');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** V8 only up to n = 20 (~1 s here): each step doubles its time, and n = 24 takes about 10 s. */
export function measurePatterns(): PatternTiming[] {
  const timings: PatternTiming[] = [];
  for (const n of [12, 16, 20]) {
    const input = 'a'.repeat(2 * n);
    timings.push({ engine: 'V8 RegExp', pattern: stalling(n), inputLength: input.length, ms: timed(() => new RegExp(stalling(n)).test(input)) });
  }
  const re2Cases: [string, string][] = [
    ...(
      [
        [12, 24],
        [16, 32],
        [20, 40],
        [24, 48],
        [24, 1_000],
      ] as const
    ).map(([n, length]): [string, string] => [stalling(n), 'a'.repeat(length)]),
    // Near the program-size cap, on the input that was slowest for it in a search of such shapes.
    [LARGEST_ALLOWED, `${'ab'.repeat(498)}xc!!`],
  ];
  for (const [pattern, input] of re2Cases) {
    for (let warmup = 0; warmup < RE2_RUNS; warmup += 1) freshlyCompiled(pattern).test(input);
    const runs = Array.from({ length: RE2_RUNS }, () => {
      const compiled = freshlyCompiled(pattern);
      return timed(() => compiled.test(input));
    });
    timings.push({ engine: 'RE2 (rules)', pattern, inputLength: input.length, ms: median(runs) });
  }
  return timings;
}
