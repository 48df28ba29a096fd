/**
 * Rule files as the rules-as-code layout has them (docs/rules-as-code.md): one rule item per
 * `.json`, `.yaml` or `.yml` file, folders read recursively, test files (`*.test.json`,
 * `*.test.yaml`, `*.test.yml`) beside them. Every command that reads rule files finds and reads
 * them here, so they all agree on what a rule file is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseRuleItem, type RuleEntry } from '../../rules/rule-item';
import { formatOf, type ParsedDocument, parseDocumentText } from './document';
import type { Finding } from './finding';
import { UsageError } from './usage-error';

/** Where rule files are when no path is given. */
export const DEFAULT_RULES_PATH = 'rules';

const DOCUMENT_FILE = /\.(json|ya?ml)$/i;
const TEST_FILE = /\.test\.(json|ya?ml)$/i;

export function isTestFile(file: string): boolean {
  return TEST_FILE.test(file);
}

export interface FoundFiles {
  /** As the user would write them: relative to the working directory where inside it. */
  ruleFiles: string[];
  testFiles: string[];
}

/**
 * The rule and test files under `paths` (files or folders; folders recursively, skipping hidden
 * folders and node_modules). A path that does not exist is a usage error: a typo in CI must not
 * pass as "no problems in no files".
 */
export function findFiles(paths: readonly string[], cwd: string): FoundFiles {
  const found = new Set<string>();
  for (const path of paths.length > 0 ? paths : [DEFAULT_RULES_PATH]) {
    const absolute = resolve(cwd, path);
    const stats = statOrNull(absolute);
    if (stats === null) throw new UsageError(`${path}: no such file or folder`);
    if (stats.isDirectory()) {
      for (const file of walk(absolute)) found.add(file);
    } else if (DOCUMENT_FILE.test(absolute)) {
      found.add(absolute);
    } else {
      throw new UsageError(`${path}: not a rule or test file (.json, .yaml or .yml)`);
    }
  }
  const files = [...found].map((absolute) => displayPath(absolute, cwd)).sort();
  return { ruleFiles: files.filter((file) => !isTestFile(file)), testFiles: files.filter(isTestFile) };
}

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      // Symbolic links to files count; links to folders are not followed (they may loop).
      if (entry.isDirectory()) return walk(path);
      const isFile = entry.isFile() || (entry.isSymbolicLink() && statOrNull(path)?.isFile() === true);
      return isFile && DOCUMENT_FILE.test(entry.name) ? [path] : [];
    });
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function displayPath(absolute: string, cwd: string): string {
  const inside = relative(cwd, absolute);
  return inside === '' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? absolute : inside;
}

/** A file read into a JSON value, or the one reason it could not be. */
export type DocumentFile = { file: string; ok: true; document: ParsedDocument } | { file: string; ok: false; problem: Finding };

export function readDocumentFile(file: string, cwd: string): DocumentFile {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
    return { file, ok: false, problem: { file, path: '', message: `could not be read (${code})` } };
  }
  const parsed = parseDocumentText(text, formatOf(file));
  if (!parsed.ok) return { file, ok: false, problem: { file, path: '', message: parsed.message, line: parsed.line, column: parsed.column } };
  return { file, ok: true, document: parsed.document };
}

/** A rule file read and parsed with the runtime's own parser, exactly as the functions would read the item. */
export type RuleFile =
  | { file: string; ok: true; document: ParsedDocument; item: Record<string, unknown>; entry: RuleEntry }
  | { file: string; ok: false; problem: Finding };

export function readRuleFile(file: string, cwd: string): RuleFile {
  const read = readDocumentFile(file, cwd);
  if (!read.ok) return read;
  const { document } = read;
  const item = withoutSchema(document.value);
  if (item === null) {
    const found = Array.isArray(document.value) ? 'a list' : document.value === null ? 'nothing' : `a ${typeof document.value}`;
    return { file, ok: false, problem: { file, path: '(root)', message: `a rule file holds one rule item (an object); found ${found}`, line: 1, column: 1 } };
  }
  return { file, ok: true, document, item, entry: parseRuleItem(item) };
}

/**
 * The item without a top-level `"$schema"`: editors read it, the rules table must never hold it
 * (there it would be an unknown attribute). Null when the document is not an object.
 */
export function withoutSchema(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { $schema: _schema, ...item } = value as Record<string, unknown>;
  return item;
}

export function readRuleFiles(files: readonly string[], cwd: string): RuleFile[] {
  return files.map((file) => readRuleFile(file, cwd));
}
