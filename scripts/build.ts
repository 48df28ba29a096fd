/** `npm run build`: one minified bundle per function in dist/<slug>/index.js (nothing else under dist/). */
import { build, type BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_ALIASES, BUNDLING } from '../lib/bundling';
import { WEBHOOK_FUNCTIONS } from '../src/app/functions';

const ROOT = join(__dirname, '..');
/** Each function's handler is `src/handlers/<slug>.ts`. */
export const HANDLER_NAMES = WEBHOOK_FUNCTIONS.map((spec) => spec.slug);

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
