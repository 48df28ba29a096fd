/**
 * How every function is bundled, shared by `npm run build` (scripts/build.ts), the stack's
 * NodejsFunction and the benchmark, so all three ship and measure the same bundle.
 * `module` first lets esbuild use the SDK's ES builds (smaller, faster to load); the SDK is
 * bundled rather than taken from the runtime so its version is the pinned one.
 */
/** The functions' Lambda runtime, `nodejs<major>.x` (lib/webhook-function.ts); the bench loads bundles under it. */
export const RUNTIME_NODE_MAJOR = 24;

export const BUNDLING = {
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
} as const;

/**
 * Credential providers Lambda never reaches (its credentials are in the environment), mapped
 * to a module whose links defer to the next one: see src/app/unbundled-credential-providers.ts.
 * Paths are relative to the project root, where both esbuild runs start.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  [...['sso', 'ini', 'process', 'web-identity', 'http'].map((provider) => `@aws-sdk/credential-provider-${provider}`), '@smithy/credential-provider-imds'].map(
    (name) => [name, './src/app/unbundled-credential-providers.ts'],
  ),
);

/**
 * Modules a function loads only on first use, each shipped as its own file beside index.js
 * instead of inside it, so a function that never needs one never parses it: re2js, the pattern
 * engine src/rules/pattern.ts requires when a rule's pattern is first compiled. The bundle's
 * import is aliased to that file and left external; scripts/build.ts and the stack's bundling
 * (lib/webhook-function.ts) both write the file.
 */
export const LAZY_MODULES: Readonly<Record<string, string>> = { re2js: './re2js.js' };

/**
 * Modules a function runs in a worker thread, each built as its own bundle beside index.js under
 * its name here (src/kernel/worker-script.ts looks for it there): the calendar parse, which only
 * ending its thread can bound (src/sync/sources/ics-expansion.ts). Written beside each bundle
 * whose text names the file, by scripts/build.ts and by the stack's bundling
 * (lib/webhook-function.ts); paths are relative to the project root.
 */
export const WORKER_SCRIPTS: Readonly<Record<string, string>> = { 'ics-worker.js': './src/sync/sources/ics-worker.ts' };

/** Whether a bundle's text names a file it loads from beside it (a lazy module or a worker script). */
export function bundleNames(bundleText: string, file: string): boolean {
  return bundleText.includes(JSON.stringify(file));
}
