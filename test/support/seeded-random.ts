/**
 * Every random choice of a run comes from one seed, so a run can be repeated exactly: a fixed one
 * by default, another with `TEST_SEED=<n>` (fast-check's properties take it too, through
 * seeded-runs.ts). A test that draws from it prints the seed when it fails.
 */
import { onTestFailed } from 'vitest';

const DEFAULT_SEED = 20_250_917;

function seedFrom(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_SEED;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)
    throw new Error(`TEST_SEED must be a whole number from 0 to ${0xffff_ffff}, not ${JSON.stringify(text)}`);
  return seed;
}

export const TEST_SEED = seedFrom(process.env.TEST_SEED);

/** FNV-1a of a label, so each purpose draws a stream of its own, whatever the others draw. */
function hashOf(label: string): number {
  let hash = 0x811c9dc5;
  for (const char of label) hash = Math.imul(hash ^ (char.codePointAt(0) as number), 0x01000193) >>> 0;
  return hash;
}

/** mulberry32: a small, fast generator with a 32-bit state; plenty for choosing interleavings. */
function mulberry32(state: number): () => number {
  let current = state >>> 0;
  return () => {
    current = (current + 0x6d2b79f5) >>> 0;
    let mixed = current;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Numbers in [0, 1) from the run's seed, for one purpose (`label`). Called inside a test, the
 * test prints the seed if it fails.
 */
export function seededRandom(label: string): () => number {
  onTestFailed(() => {
    console.error(`random choices of "${label}" came from TEST_SEED=${TEST_SEED}; run with it to repeat them`);
  });
  return mulberry32(TEST_SEED ^ hashOf(label));
}
