/**
 * `npm test` runs this first: src/ keeps one direction and no circle (.dependency-cruiser.cjs).
 * The cruise must reach every module of src/: a parser that reads nothing (TypeScript 7 has no
 * compiler API for dependency-cruiser's default one) would otherwise pass in silence.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CruiseResult {
  summary: { totalCruised: number; violations: { rule: { name: string }; from: string; to: string; comment?: string }[] };
}

const ROOT = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [relative(ROOT, join(dir, entry.name))] : [],
  );
}

// It exits non-zero on a violation; the JSON on stdout says which.
const cruise = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
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
const files = sourceFiles(join(ROOT, 'src'));
const expected = files.length;
const problems = summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
// Every folder of src/ has its layer: the config's per-folder rules name them (a module that imports nothing would escape the cruise).
const { forbidden } = require('../.dependency-cruiser.cjs') as { forbidden: { name: string }[] };
const placed = new Set(forbidden.flatMap(({ name }) => (name.startsWith('no-upward-from-') ? [name.slice('no-upward-from-'.length)] : [])));
for (const file of files) {
  const [, folder, rest] = file.split('/');
  if (rest === undefined) problems.push(`${file}: a module directly in src/ has no layer; put it in a folder`);
  else if (folder !== undefined && !placed.has(folder)) problems.push(`${file}: src/${folder}/ has no place in .dependency-cruiser.cjs LAYERS`);
}
// A type written as import('../x') is a dependency the cruise does not see.
for (const file of files) {
  if (/\bimport\(\s*['"]\./.test(readFileSync(join(ROOT, file), 'utf8')))
    problems.push(`${file}: import('./…') in a type or expression; use an import declaration`);
}
if (summary.totalCruised < expected)
  problems.push(`only ${summary.totalCruised} of the ${expected} modules in src/ were cruised: is the parser (@swc/core) installed?`);
if (problems.length > 0) {
  console.error(`dependency check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`dependency check: ${summary.totalCruised} modules in one direction, no circle`);
