// One minified bundle per function in dist/<kind>/index.js (nothing else under dist/).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const handlers = readdirSync(`${root}src/handlers`).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3));

/** Options shared with the CDK stack's NodejsFunction bundling (lib/webhook-function.ts). */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
};

export async function buildHandlers(outdir = `${root}dist`) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...bundleOptions,
    entryPoints: Object.fromEntries(handlers.map((name) => [`${name}/index`, `${root}src/handlers/${name}.ts`])),
    outdir,
  });
  return handlers;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildHandlers();
  console.log(`built ${built.map((name) => `dist/${name}/index.js`).join(', ')}`);
}
