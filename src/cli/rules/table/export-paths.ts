/**
 * Where `export` writes each rule: `<dir>/<app>/<rule>.<ext>`, with ids made into safe file
 * names. Ids are whatever an admin typed in the console (slashes, dots, `..`, `*`), so a name
 * can never leave the folder or collide with another rule's: unsafe characters become `_`, and a
 * name already taken (case aside) gets `-2`, `-3`, …. Names the rule-file reader would pass over
 * (a `*.test.*` file, a `node_modules` or hidden folder) are changed too, so every rule exported is
 * read back (src/cli/shared/rule-files.ts).
 */
import { join } from 'node:path';
import type { RuleItem } from './rule-table';

const MAX_NAME = 100;

export function safeName(id: unknown): string {
  const text = typeof id === 'string' ? id : (JSON.stringify(id) ?? '');
  if (text === '*') return '_all_apps';
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, MAX_NAME)
    .replace(/\.test$/i, '.test_');
  if (cleaned.toLowerCase() === 'node_modules') return `${cleaned}_`;
  return cleaned === '' ? '_' : cleaned;
}

export function exportPaths(items: readonly RuleItem[], dir: string, extension: string): Map<RuleItem, string> {
  const taken = new Set<string>();
  const paths = new Map<RuleItem, string>();
  for (const item of items) {
    const folder = safeName(item.app_id);
    const base = safeName(item.rule_id);
    let name = `${base}.${extension}`;
    for (let n = 2; taken.has(`${folder}/${name}`.toLowerCase()); n += 1) name = `${base}-${n}.${extension}`;
    taken.add(`${folder}/${name}`.toLowerCase());
    paths.set(item, join(dir, folder, name));
  }
  return paths;
}
