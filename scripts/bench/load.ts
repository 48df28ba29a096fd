/**
 * Process start + bundle load, as a cold start pays it: `node -e` children, each reporting the
 * CPU time it used (scripts/bench/child.ts). Every variant runs once per round, in a new seeded
 * order each round; the figures that matter are overheads over bare `node` of the same round,
 * and their ratios.
 */
import { spawnSync } from 'node:child_process';
import { timeChild } from './child';
import { BENCH_SEED, roundOrder, seeded } from './round-order';
import { differences, interquartileMean, median, percentile } from './stats';

export interface LoadVariant {
  label: string;
  /** Bundle to require; none for bare `node -e 0`. */
  bundle?: string;
  /** The child's environment: the function's own, so it builds its clients as in Lambda. */
  env: NodeJS.ProcessEnv;
}

export interface LoadResult {
  variant: LoadVariant;
  /** CPU ms per round, in round order (paired with every other variant's). */
  cpu: number[];
  wall: number[];
  median: number;
  p25: number;
  p75: number;
  wallMedian: number;
}

/** Requires the bundle and insists on a `handler` function, so a broken bundle fails instead of looking fast. */
function script(bundle: string | undefined): string {
  if (bundle === undefined) return '0';
  return `if (typeof require(${JSON.stringify(bundle)}).handler !== 'function') process.exit(3)`;
}

/** `node`: the binary every child runs (scripts/bench/runtime-node.ts). */
export function measureLoad(node: string, variants: readonly LoadVariant[], warmupRounds: number, rounds: number): LoadResult[] {
  const cpu = variants.map((): number[] => []);
  const wall = variants.map((): number[] => []);
  const random = seeded(BENCH_SEED);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const index of roundOrder(variants.length, random)) {
      const variant = variants[index] as LoadVariant;
      const timing = timeChild(node, script(variant.bundle), variant.env, `loading ${variant.label}`);
      if (round < warmupRounds) continue;
      cpu[index]?.push(timing.cpuMs);
      wall[index]?.push(timing.wallMs);
    }
  }
  return variants.map((variant, index) => {
    const own = cpu[index] ?? [];
    return {
      variant,
      cpu: own,
      wall: wall[index] ?? [],
      median: median(own),
      p25: percentile(own, 0.25),
      p75: percentile(own, 0.75),
      wallMedian: median(wall[index] ?? []),
    };
  });
}

/**
 * A variant's CPU time over bare `node` of the same round, summed up over the rounds by the
 * interquartile mean: what bare `node` costs moves from round to round, and pairing takes it out.
 */
export function overheadOver(result: LoadResult, bare: LoadResult): number {
  return interquartileMean(differences(result.cpu, bare.cpu));
}

/**
 * `result`'s overhead against `other`'s, the figure every load budget is judged on: a ratio of
 * the two overheads, as the budgets say. The median of per-round ratios read up to 0.05 higher on
 * the same samples: a ratio whose denominator moves by ~15% from round to round is skewed upwards.
 */
export function overheadRatio(result: LoadResult, other: LoadResult, bare: LoadResult): number {
  return overheadOver(result, bare) / overheadOver(other, bare);
}

/**
 * A function whose init failed still exports a handler (it answers the kind's safe reply) and
 * loads faster for it; so before timing, one call without a credential must get the 401 of a
 * pipeline that was built, in the variant's environment.
 */
export function assertInitialised(node: string, variant: LoadVariant & { bundle: string }): void {
  const event = { httpMethod: 'POST', headers: {}, body: '{}', isBase64Encoded: false, requestContext: { requestId: 'load-check' } };
  const check = `require(${JSON.stringify(variant.bundle)}).handler(${JSON.stringify(event)}).then((reply) => { if (reply.statusCode !== 401) { console.error(reply.statusCode, reply.body); process.exit(3); } })`;
  const child = spawnSync(node, ['-e', check], { env: { ...variant.env, LOG_LEVEL: 'SILENT' }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.error || child.status !== 0) {
    throw new Error(`${variant.label} did not initialise in its environment (${child.error?.message ?? child.stderr.toString().trim().slice(0, 300)})`);
  }
}
