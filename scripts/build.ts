/**
 * `npm run build`: one minified bundle per function in dist/<slug>/index.js, and beside it the
 * modules it loads only on first use (lib/bundling.ts, LAZY_MODULES: re2js.js). Nothing else
 * under dist/.
 */

import { rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { BUNDLE_ALIASES, BUNDLING, LAZY_MODULES } from '../lib/bundling';
import { SCHEDULED_FUNCTIONS, WEBHOOK_FUNCTIONS } from '../src/app/functions';

const ROOT = join(__dirname, '..');
/** Each function's handler is `src/handlers/<slug>.ts`. */
export const HANDLER_NAMES = [...WEBHOOK_FUNCTIONS, ...SCHEDULED_FUNCTIONS].map((spec) => spec.slug);

export async function buildHandlers(outdir: string, overrides: BuildOptions = {}): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  const options: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    mainFields: [...BUNDLING.mainFields],
    absWorkingDir: ROOT,
    legalComments: 'none',
    logLevel: 'warning',
    outdir,
    ...overrides,
  };
  const { metafile } = await build({
    entryPoints: Object.fromEntries(HANDLER_NAMES.map((name) => [`${name}/index`, join(ROOT, 'src', 'handlers', `${name}.ts`)])),
    ...options,
    alias: { ...BUNDLE_ALIASES, ...LAZY_MODULES },
    external: [...Object.values(LAZY_MODULES), ...(overrides.external ?? [])],
    metafile: true,
  });
  // Each lazy module, beside every bundle that requires it.
  const lazyEntries = Object.entries(metafile.outputs).flatMap(([file, output]) =>
    Object.entries(LAZY_MODULES)
      .filter(([, path]) => output.imports.some((imported) => imported.external && imported.path === path))
      .map(([module, path]) => [join(relative(outdir, dirname(join(ROOT, file))), basename(path, '.js')), module] as const),
  );
  if (lazyEntries.length > 0) await build({ ...options, entryPoints: Object.fromEntries(lazyEntries) });
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
