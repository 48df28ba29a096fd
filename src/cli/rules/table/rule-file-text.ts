/**
 * A rule item as a file, for `export`: stable key order (the rule's own attributes in the order
 * docs/rules.md explains them, then the rest alphabetically; nested keys alphabetically) and
 * stable formatting, so exporting twice writes the same bytes and a diff shows only edits.
 */
import { stringify } from 'yaml';
import { keyedAs, type RuleItem } from './rule-table';
import { BOOKKEEPING } from './rules-plan';
import { isPlainRecord } from './table-values';

export const EXPORT_FORMATS = ['yaml', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const TOP_ORDER = ['app_id', 'rule_id', 'kind', 'description', 'enabled', 'mode', 'priority', 'permissions', 'effect', 'when', 'message', 'provisioner'];

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (!isPlainRecord(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortedDeep(inner)]));
}

export function ordered(item: RuleItem): RuleItem {
  const rank = (key: string) => {
    const index = TOP_ORDER.indexOf(key);
    return index === -1 ? TOP_ORDER.length : index;
  };
  const entries = Object.entries(item)
    .filter(([key]) => !(BOOKKEEPING as readonly string[]).includes(key))
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return keyedAs(item, Object.fromEntries(entries.map(([key, value]) => [key, sortedDeep(value)])));
}

export function ruleFileText(item: RuleItem, format: ExportFormat): string {
  const content = ordered(item);
  return format === 'json' ? `${JSON.stringify(content, null, 2)}\n` : stringify(content, { lineWidth: 0 });
}
