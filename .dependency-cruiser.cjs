/**
 * The one direction of the code (docs/architecture.md), written once: a module may import only
 * from its own folder's layer or the layers below it, and never in a circle. `npm test` runs it
 * (scripts/check-dependencies.ts), and fails when fewer modules are cruised than src/ and lib/ hold.
 *
 * Layers, highest first. The CDK constructs (`lib/`) sit on top beside the entry points (handlers,
 * the local runtime, the CLIs): they read the function specs, table definitions and metric names
 * of src/ and nothing in src/ reads them. `kernel/` is at the bottom and imports nothing of the
 * project.
 */
const LAYERS = [
  ['lib', 'src/handlers', 'src/local', 'src/cli'],
  ['src/app'],
  ['src/http'],
  ['src/services', 'src/sync'],
  ['src/grants'],
  ['src/provisioners'],
  ['src/store'],
  ['src/audit'],
  ['src/rules'],
  ['src/lumos'],
  ['src/kernel'],
];

/** Every folder the check cruises (scripts/check-dependencies.ts cruises and counts the same). */
const ROOTS = ['src', 'lib'];

const below = (index) => LAYERS.slice(index + 1).flat();
const under = (paths) => `^(${paths.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle makes every module in it depend on all the others.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.flatMap((layer, index) =>
      layer.map((name) => ({
        name: `no-upward-from-${name}`,
        severity: 'error',
        comment: `${name}/ may import only ${[name, ...below(index)].join(', ') || 'itself'}`,
        from: { path: under([name]) },
        to: { path: under(ROOTS), pathNot: under([name, ...below(index)]) },
      })),
    ),
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'Every folder of src/, and lib/, has its place in LAYERS.',
      from: { path: under(ROOTS), pathNot: under(LAYERS.flat()) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: under(ROOTS),
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
