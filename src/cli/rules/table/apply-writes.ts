/**
 * Apply's writes: each added or changed rule put, each pruned one removed, every one conditional
 * on the item being as the plan read it; `updated_by` and `updated_at` on every written item.
 * A conflict leaves that rule alone and the others go on.
 */

import { deleteRule, putRule, type RuleItem, ruleName, type WriteOutcome } from './rule-table';
import type { RulesPlan } from './rules-plan';
import type { Target } from './target';

export interface Written {
  rule: string;
  action: 'added' | 'changed' | 'removed';
  outcome: WriteOutcome;
}

export async function applyPlan(target: Target, plan: RulesPlan, stamp: { by: string; at: Date }): Promise<Written[]> {
  const stamped = (item: RuleItem): RuleItem => ({ ...item, updated_by: stamp.by, updated_at: stamp.at.toISOString() });
  const written: Written[] = [];
  for (const item of plan.added) written.push({ rule: ruleName(item), action: 'added', outcome: await putRule(target, stamped(item), null) });
  for (const change of plan.changed) {
    written.push({ rule: ruleName(change.after), action: 'changed', outcome: await putRule(target, stamped(change.after), change.before) });
  }
  if (plan.prune) for (const item of plan.missing) written.push({ rule: ruleName(item), action: 'removed', outcome: await deleteRule(target, item) });
  return written;
}
