/**
 * How every function is bundled, shared by `npm run build` (scripts/build.ts), the stack's
 * NodejsFunction and the benchmark, so all three ship and measure the same bundle.
 * `module` first lets esbuild use the SDK's ES builds (smaller, faster to load); the SDK is
 * bundled rather than taken from the runtime so its version is the pinned one.
 */
export const BUNDLING = {
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
} as const;
