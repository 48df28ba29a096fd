/**
 * Process start + bundle load, as a cold start pays it: `node -e` children timed around
 * spawnSync. Every variant runs once per round, in a shuffled order, so machine noise hits all
 * of them alike; the figures that matter are overheads over bare `node` in the same run, and
 * their ratios.
 */
import { spawnSync } from 'node:child_process';
import { median, msSince, percentile } from './stats';

export interface LoadVariant {
  label: string;
  /** Bundle to require; none for bare `node -e 0`. */
  bundle?: string;
  /** The child's environment: the function's own, so it builds its clients as in Lambda. */
  env: NodeJS.ProcessEnv;
}

export interface LoadResult {
  variant: LoadVariant;
  samples: number[];
  median: number;
  p25: number;
  p75: number;
}

/** Requires the bundle and insists on a `handler` function, so a broken bundle fails instead of looking fast. */
function script(bundle: string | undefined): string {
  if (bundle === undefined) return '0';
  return `if (typeof require(${JSON.stringify(bundle)}).handler !== 'function') process.exit(3)`;
}

function timeOnce(node: string, variant: LoadVariant): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(node, ['-e', script(variant.bundle)], { env: variant.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = msSince(start);
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? `exit ${String(child.status ?? child.signal)}: ${child.stderr.toString().trim().split('\n').slice(0, 5).join(' | ')}`;
    throw new Error(`loading ${variant.label} failed (${why})`);
  }
  return elapsed;
}

/**
 * The variants in a new order each round (seeded, so runs are comparable): in a fixed order each
 * function would always follow the same neighbour (a heavy CDK-default child), and what a child
 * leaves behind (caches, CPU frequency) would weigh on one variant more than on the others.
 */
function roundOrder(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  return order;
}

/** A small deterministic generator (mulberry32): the same orders on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `node`: the binary every child runs (scripts/bench/runtime-node.ts). */
export function measureLoad(node: string, variants: readonly LoadVariant[], warmupRounds: number, rounds: number): LoadResult[] {
  const samples = variants.map((): number[] => []);
  const random = seeded(20_261_129);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const index of roundOrder(variants.length, random)) {
      const elapsed = timeOnce(node, variants[index] as LoadVariant);
      if (round >= warmupRounds) samples[index]?.push(elapsed);
    }
  }
  return variants.map((variant, index) => {
    const own = samples[index] ?? [];
    return { variant, samples: own, median: median(own), p25: percentile(own, 0.25), p75: percentile(own, 0.75) };
  });
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
