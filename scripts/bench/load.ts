/**
 * Process start + bundle load, as a cold start pays it: `node -e` children timed around
 * spawnSync. Variants run round-robin (bare, SDK only, ours, default, bare, ...) so machine
 * noise hits all of them alike; the figures that matter are overheads over bare `node` in the
 * same run, and their ratios.
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

/** `node`: the binary every child runs (scripts/bench/runtime-node.ts). */
export function measureLoad(node: string, variants: readonly LoadVariant[], warmupRounds: number, rounds: number): LoadResult[] {
  const samples = variants.map((): number[] => []);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    variants.forEach((variant, index) => {
      const elapsed = timeOnce(node, variant);
      if (round >= warmupRounds) samples[index]?.push(elapsed);
    });
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
