/**
 * The two builds compared: ours (`npm run build`, into dist/) and the same handlers built the
 * way CDK's NodejsFunction does by default (SDK external, esbuild's default main fields, no
 * minify, no sourcemap). The latter sits inside the project so `@aws-sdk/*` resolves.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildHandlers } from '../build';

export const ROOT = join(__dirname, '..', '..');
export const OURS_DIR = join(ROOT, 'dist');
export const DEFAULT_DIR = join(ROOT, '.bench', 'default-build');

export const bundlePath = (dir: string, kind: string): string => join(dir, kind, 'index.js');

export interface BuiltKinds {
  kinds: string[];
  ms: number;
}

export async function buildBoth(): Promise<BuiltKinds> {
  const started = Date.now();
  const kinds = await buildHandlers(OURS_DIR);
  await buildHandlers(DEFAULT_DIR, { external: ['@aws-sdk/*'], mainFields: undefined, minify: false, sourcemap: false });
  return { kinds, ms: Date.now() - started };
}

export interface BundleSize {
  bytes: number;
  gzip: number;
}

export function bundleSize(file: string): BundleSize {
  const content = readFileSync(file);
  return { bytes: statSync(file).size, gzip: gzipSync(content, { level: 9 }).length };
}
