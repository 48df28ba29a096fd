/**
 * The one direction of src/ (docs/architecture.md), written once: a module may import only
 * from its own layer or the layers below it, and never in a circle. `npm test` runs it
 * (scripts/check-dependencies.ts), and fails when fewer modules are cruised than src/ holds.
 *
 * Layers, highest first. Entry points (handlers, the local runtime, the CLIs, scheduled
 * handlers) sit on top; `lumos/` (the contract) at the bottom.
 */
const LAYERS = [
  ['handlers', 'local', 'cli'],
  ['app'],
  ['http', 'sync'],
  ['services'],
  ['provisioners'],
  ['store'],
  ['audit'],
  ['rules'],
  ['kernel'],
  ['lumos'],
];

const below = (index) => LAYERS.slice(index + 1).flat();
const folder = (names) => `^src/(${names.join('|')})/`;

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
        comment: `${name}/ may import only ${[...layer.filter((other) => other === name), ...below(index)].join(', ')}`,
        from: { path: folder([name]) },
        to: { path: '^src/', pathNot: folder([name, ...below(index)]) },
      })),
    ),
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'Every folder of src/ has its place in LAYERS.',
      from: { path: '^src/', pathNot: folder(LAYERS.flat()) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
