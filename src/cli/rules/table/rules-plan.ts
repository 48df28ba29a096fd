/**
 * What `apply` would do to the rules table: the files' items against the table's, rule by rule
 * (added, changed with each field's before and after, removed), within the apps the files
 * speak for. `updated_by` and `updated_at` are the table's bookkeeping, never a change.
 */
import { isDeepStrictEqual } from 'node:util';
import { keyedAs, type RuleItem, ruleKey } from './rule-table';
import { isPlainRecord } from './table-values';

/** Written by apply on every write; neither in the files nor compared. */
export const BOOKKEEPING = ['updated_by', 'updated_at'] as const;

export interface FieldChange {
  /** Dotted path, e.g. `when.training.within_days`; lists are compared whole. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ChangedRule {
  before: RuleItem;
  after: RuleItem;
  fields: FieldChange[];
}

export interface RulesPlan {
  added: RuleItem[];
  changed: ChangedRule[];
  /** In the table, not in the files, in an app the files speak for: removed only with `--prune`. */
  missing: RuleItem[];
  prune: boolean;
  unchanged: number;
  /** Table rules of apps the files do not mention: never touched. */
  untouched: number;
  /** The table as it would be after apply: what the replay decides with. */
  proposed: RuleItem[];
}

export const withoutBookkeeping = (item: RuleItem): RuleItem =>
  keyedAs(item, Object.fromEntries(Object.entries(item).filter(([attribute]) => !(BOOKKEEPING as readonly string[]).includes(attribute))));

export function planRules(files: readonly RuleItem[], table: readonly RuleItem[], options: { prune: boolean }): RulesPlan {
  const plan: RulesPlan = { added: [], changed: [], missing: [], prune: options.prune, unchanged: 0, untouched: 0, proposed: [] };
  planFiles(plan, files, new Map(table.map((item) => [ruleKey(item), item])));
  planTableOnly(plan, table, new Set(files.map(ruleKey)), new Set(files.map((item) => item.app_id)));
  return plan;
}

/** Each file's rule: added, changed or unchanged against the table's. */
function planFiles(plan: RulesPlan, files: readonly RuleItem[], inTable: ReadonlyMap<string, RuleItem>): void {
  for (const item of files) {
    const current = inTable.get(ruleKey(item));
    const fields = current === undefined ? [] : fieldChanges(withoutBookkeeping(current), withoutBookkeeping(item));
    if (current === undefined) plan.added.push(item);
    else if (fields.length > 0) plan.changed.push({ before: current, after: item, fields });
    else plan.unchanged += 1;
    plan.proposed.push(item);
  }
}

/** The table's rules no file holds: untouched outside the files' apps, missing (and removed with `--prune`) inside them. */
function planTableOnly(plan: RulesPlan, table: readonly RuleItem[], inFiles: ReadonlySet<string>, apps: ReadonlySet<unknown>): void {
  for (const item of table) {
    if (inFiles.has(ruleKey(item))) continue;
    if (!apps.has(item.app_id)) {
      plan.untouched += 1;
      plan.proposed.push(item);
    } else {
      plan.missing.push(item);
      if (!plan.prune) plan.proposed.push(item);
    }
  }
}

export const planChanges = (plan: RulesPlan): number => plan.added.length + plan.changed.length + (plan.prune ? plan.missing.length : 0);

function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isPlainRecord(before) && isPlainRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => fieldChanges(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  return [{ path: path || '(item)', ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}
