/**
 * A worker thread running one of our modules, found the same way wherever the code runs. In a
 * bundle (dist/<slug>/index.js, as Lambda runs it) the module is built beside index.js under the
 * name the caller gives (lib/bundling.ts WORKER_SCRIPTS: the build writes it beside each bundle
 * whose text names it, so callers write the name literally). Run from source (tsx: `npm start`
 * and the CLIs; vitest) it is the `.ts` file of that name beside the caller, compiled in the
 * thread by tsx's require hook: a thread does not inherit the hooks its parent loaded.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** This module is itself a `.ts` file when the code runs from source, and inside index.js when bundled. */
const FROM_SOURCE = __filename.endsWith('.ts');

/** `callerDir` is the caller's `__dirname`: the bundle's folder once bundled. */
export function startWorker(callerDir: string, builtFile: string, options: WorkerOptions = {}): Worker {
  if (!FROM_SOURCE) return new Worker(join(callerDir, builtFile), options);
  const source = join(callerDir, builtFile.replace(/\.js$/, '.ts'));
  // tsx is a development dependency that bundles never reach: resolved here at run time, not by the bundler.
  const tsxHook = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(source, { ...options, execArgv: [...(options.execArgv ?? []), '--require', tsxHook] });
}
