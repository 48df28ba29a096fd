/**
 * `npm test` runs this first: src/ and lib/ keep one direction and no circle
 * (.dependency-cruiser.cjs). The cruise must reach every module of both: a parser that reads
 * nothing (TypeScript 7 has no compiler API for dependency-cruiser's default one) would otherwise
 * pass in silence.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CruiseResult {
  summary: { totalCruised: number; violations: { rule: { name: string }; from: string; to: string; comment?: string }[] };
}

const ROOT = join(__dirname, '..');
/** The folders cruised and counted, as the config's `includeOnly` names them. */
const ROOTS = ['src', 'lib'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [relative(ROOT, join(dir, entry.name))] : [],
  );
}

// It exits non-zero on a violation; the JSON on stdout says which.
const cruise = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), ...ROOTS, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
  {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  },
);
let summary: CruiseResult['summary'];
try {
  ({ summary } = JSON.parse(cruise.stdout) as CruiseResult);
} catch {
  console.error(`dependency check could not run:\n${cruise.stderr || cruise.error?.message || 'no output'}`);
  process.exit(1);
}
const files = ROOTS.flatMap((root) => sourceFiles(join(ROOT, root)));
const expected = files.length;
const problems = summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
// Every folder of src/, and lib/, has its layer: the config's per-folder rules name them (a module that imports nothing would escape the cruise).
const { forbidden } = require('../.dependency-cruiser.cjs') as { forbidden: { name: string }[] };
const placed = forbidden.flatMap(({ name }) => (name.startsWith('no-upward-from-') ? [name.slice('no-upward-from-'.length)] : []));
for (const file of files) {
  const [root, , rest] = file.split('/');
  if (root === 'src' && rest === undefined) problems.push(`${file}: a module directly in src/ has no layer; put it in a folder`);
  else if (!placed.some((name) => file.startsWith(`${name}/`))) problems.push(`${file}: its folder has no place in .dependency-cruiser.cjs LAYERS`);
}
// A type written as import('../x') is a dependency the cruise does not see.
for (const file of files) {
  if (/\bimport\(\s*['"]\./.test(readFileSync(join(ROOT, file), 'utf8')))
    problems.push(`${file}: import('./…') in a type or expression; use an import declaration`);
}
if (summary.totalCruised < expected)
  problems.push(`only ${summary.totalCruised} of the ${expected} modules in ${ROOTS.join('/ and ')}/ were cruised: is the parser (@swc/core) installed?`);
if (problems.length > 0) {
  console.error(`dependency check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`dependency check: ${summary.totalCruised} modules of ${ROOTS.join('/ and ')}/ in one direction, no circle`);
