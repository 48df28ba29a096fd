/**
 * Apply's writes: each added or changed rule put, each pruned one removed, every one conditional
 * on the item being as the plan read it; `updated_by` and `updated_at` on every written item.
 * A conflict or a write DynamoDB refuses leaves that rule alone and the others go on; once the
 * table itself cannot be used (gone, unreachable, credentials refused), the rest are not tried.
 * Every write's outcome is returned, so apply can say which landed.
 */

import { deleteRule, putRule, type RuleItem, ruleName, type WriteOutcome } from './rule-table';
import type { RulesPlan } from './rules-plan';
import type { RulesTables } from './rules-tables';

export type ApplyOutcome = WriteOutcome | { status: 'not_attempted' };

export interface Written {
  rule: string;
  action: 'added' | 'changed' | 'removed';
  outcome: ApplyOutcome;
}

interface PlannedWrite {
  rule: string;
  action: Written['action'];
  write: () => Promise<WriteOutcome>;
}

export async function applyPlan(db: RulesTables, plan: RulesPlan, stamp: { by: string; at: Date }): Promise<Written[]> {
  const stamped = (item: RuleItem): RuleItem => ({ ...item, updated_by: stamp.by, updated_at: stamp.at.toISOString() });
  const planned: PlannedWrite[] = [
    ...plan.added.map((item) => ({ rule: ruleName(item), action: 'added' as const, write: () => putRule(db, stamped(item), null) })),
    ...plan.changed.map((change) => ({
      rule: ruleName(change.after),
      action: 'changed' as const,
      write: () => putRule(db, stamped(change.after), change.before),
    })),
    ...(plan.prune ? plan.missing.map((item) => ({ rule: ruleName(item), action: 'removed' as const, write: () => deleteRule(db, item) })) : []),
  ];
  const written: Written[] = [];
  let tableUnusable = false;
  for (const { rule, action, write } of planned) {
    const outcome: ApplyOutcome = tableUnusable ? { status: 'not_attempted' } : await write();
    if (outcome.status === 'failed' && outcome.tableUnusable) tableUnusable = true;
    written.push({ rule, action, outcome });
  }
  return written;
}

/** Whether the write landed in the table. */
export const landed = (write: Written): boolean => write.outcome.status === 'written';
