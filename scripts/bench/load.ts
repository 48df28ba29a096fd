/**
 * Process start + bundle load, as a cold start pays it: `node -e` children timed around
 * spawnSync. Variants run round-robin (bare, ours, default, bare, ...) so machine noise hits
 * all of them alike; the figure that matters is the overhead over bare `node` in the same run.
 */
import { spawnSync } from 'node:child_process';
import { median, msSince, percentile } from './stats';

export interface LoadVariant {
  label: string;
  /** Bundle to require; none for bare `node -e 0`. */
  bundle?: string;
  /** NODE_OPTIONS for this variant only (e.g. `--enable-source-maps`, to show what turning it on costs). */
  nodeOptions?: string;
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

function timeOnce(variant: LoadVariant, env: NodeJS.ProcessEnv): number {
  const childEnv = variant.nodeOptions === undefined ? env : { ...env, NODE_OPTIONS: variant.nodeOptions };
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', script(variant.bundle)], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = msSince(start);
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? `exit ${String(child.status ?? child.signal)}: ${child.stderr.toString().trim().split('\n').slice(0, 5).join(' | ')}`;
    throw new Error(`loading ${variant.label} failed (${why})`);
  }
  return elapsed;
}

export function measureLoad(variants: readonly LoadVariant[], env: NodeJS.ProcessEnv, warmupRounds: number, rounds: number): LoadResult[] {
  const samples = variants.map((): number[] => []);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    variants.forEach((variant, index) => {
      const elapsed = timeOnce(variant, env);
      if (round >= warmupRounds) samples[index]?.push(elapsed);
    });
  }
  return variants.map((variant, index) => {
    const own = samples[index] ?? [];
    return { variant, samples: own, median: median(own), p25: percentile(own, 0.25), p75: percentile(own, 0.75) };
  });
}
