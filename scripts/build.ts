/** `npm run build`: one minified bundle per function in dist/<kind>/index.js (nothing else under dist/). */
import { build, type BuildOptions } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_ALIASES, BUNDLING } from '../lib/bundling';

const ROOT = join(__dirname, '..');
export const HANDLER_NAMES = readdirSync(join(ROOT, 'src', 'handlers'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));

export async function buildHandlers(outdir: string, overrides: BuildOptions = {}): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    mainFields: [...BUNDLING.mainFields],
    alias: { ...BUNDLE_ALIASES },
    absWorkingDir: ROOT,
    legalComments: 'none',
    logLevel: 'warning',
    entryPoints: Object.fromEntries(HANDLER_NAMES.map((name) => [`${name}/index`, join(ROOT, 'src', 'handlers', `${name}.ts`)])),
    outdir,
    ...overrides,
  });
  return HANDLER_NAMES;
}

if (require.main === module) {
  buildHandlers(join(ROOT, 'dist')).then(
    (names) => console.log(`built ${names.map((name) => `dist/${name}/index.js`).join(', ')}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
