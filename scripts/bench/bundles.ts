/**
 * The builds compared: ours (`npm run build`, into dist/), the same handlers built the way
 * CDK's NodejsFunction does by default (SDK external, esbuild's default main fields, no minify,
 * no sourcemap), and the SDK-only floor (scripts/bench/sdk-only-function.ts) built exactly as
 * ours. The other two sit inside the project so `@aws-sdk/*` resolves.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildHandlers } from '../build';

export const ROOT = join(__dirname, '..', '..');
export const OURS_DIR = join(ROOT, 'dist');
export const DEFAULT_DIR = join(ROOT, '.bench', 'default-build');
export const SDK_ONLY_DIR = join(ROOT, '.bench', 'sdk-only');
export const SDK_ONLY = 'sdk-only';

export const bundlePath = (dir: string, slug: string): string => join(dir, slug, 'index.js');

export interface BuiltSlugs {
  slugs: string[];
  ms: number;
}

export async function buildAll(): Promise<BuiltSlugs> {
  const started = Date.now();
  const slugs = await buildHandlers(OURS_DIR);
  await buildHandlers(DEFAULT_DIR, { external: ['@aws-sdk/*'], mainFields: undefined, minify: false, sourcemap: false });
  await buildHandlers(SDK_ONLY_DIR, { entryPoints: { [`${SDK_ONLY}/index`]: join(__dirname, 'sdk-only-function.ts') } });
  return { slugs, ms: Date.now() - started };
}

export interface BundleSize {
  bytes: number;
  gzip: number;
}

export function bundleSize(file: string): BundleSize {
  const content = readFileSync(file);
  return { bytes: statSync(file).size, gzip: gzipSync(content, { level: 9 }).length };
}

/**
 * Whether a bundle holds zod's classic API: its classes are named "ZodString", "ZodObject", …
 * (zod/mini's are "ZodMiniString", …; the shared core's "$ZodString", …).
 */
export function holdsClassicZod(file: string): boolean {
  return /["'`]Zod(?:String|Object|Type|Pipe)["'`]/.test(readFileSync(file, 'utf8'));
}
