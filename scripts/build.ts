/**
 * `npm run build`: one minified bundle per function in dist/<slug>/index.js, and beside it the
 * modules it loads only on first use (lib/bundling.ts, LAZY_MODULES: re2js.js) and the ones it
 * runs in a worker thread (WORKER_SCRIPTS: ics-worker.js, beside state-sync's). Nothing else
 * under dist/.
 */

import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { BUNDLE_ALIASES, BUNDLING, bundleNames, LAZY_MODULES, WORKER_SCRIPTS } from '../lib/bundling';
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
  // Each worker script, beside every bundle that names it.
  const workerEntries = Object.keys(metafile.outputs)
    .filter((file) => file.endsWith('.js'))
    .flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return Object.entries(WORKER_SCRIPTS)
        .filter(([name]) => bundleNames(text, name))
        .map(([name, entry]) => [join(relative(outdir, dirname(join(ROOT, file))), basename(name, '.js')), join(ROOT, entry)] as const);
    });
  if (workerEntries.length > 0) await build({ ...options, entryPoints: Object.fromEntries(workerEntries), alias: { ...BUNDLE_ALIASES } });
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
