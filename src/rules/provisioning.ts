/**
 * Provisioning (DESIGN.md, "Decisions"): for each permission, the highest-priority enforced
 * `provisioning` rule in scope whose `when` holds (a rule without `when` always does) picks the
 * provisioner. Shadow rules are traced only. A rule item in scope that fails validation stops
 * the choice: which provisioner was meant cannot be known.
 */
import { evaluate, type Facts } from './evaluate';
import type { RuleTrace } from './pre-approval';
import { scopeOf, type Rule, type RuleEntry } from './rule-item';

export type ProvisioningChoice =
  | { status: 'rule'; rule: Rule & { provisioner: NonNullable<Rule['provisioner']> }; trace: RuleTrace[] }
  | { status: 'none'; trace: RuleTrace[] }
  | { status: 'invalid'; rule_id: string; trace: RuleTrace[] };

export function chooseProvisioningRule(entries: readonly RuleEntry[], permission: string, facts: Facts): ProvisioningChoice {
  const trace: RuleTrace[] = [];
  const ordered = [...entries].sort((a, b) => priority(b) - priority(a));
  let chosen: ProvisioningChoice | undefined;
  for (const entry of ordered) {
    const scope = scopeOf(entry, 'provisioning', [permission]);
    if (!entry.valid) {
      const ids = { app_id: entry.invalid.app_id, rule_id: entry.invalid.rule_id };
      if (scope.inScope) {
        trace.push({ ...ids, outcome: 'invalid', detail: entry.invalid.problems.join('; ') });
        chosen ??= { status: 'invalid', rule_id: entry.invalid.rule_id, trace };
      } else if (scope.why !== null) {
        trace.push({ ...ids, outcome: 'skipped', detail: scope.why });
      }
      continue;
    }
    const { rule } = entry;
    const base = { app_id: rule.app_id, rule_id: rule.rule_id, mode: rule.mode };
    if (!scope.inScope) {
      if (scope.why !== null) trace.push({ ...base, outcome: 'skipped', detail: scope.why });
      continue;
    }
    const outcome = rule.when ? evaluate(rule.when, facts) : { ok: true, detail: 'no condition' };
    trace.push({ ...base, outcome: outcome.ok ? 'matched' : outcome.unknown ? 'undecided' : 'not_matched', detail: outcome.detail });
    if (outcome.ok && rule.mode === 'enforce' && rule.provisioner) chosen ??= { status: 'rule', rule: { ...rule, provisioner: rule.provisioner }, trace };
  }
  return chosen ?? { status: 'none', trace };
}

function priority(entry: RuleEntry): number {
  return entry.valid ? entry.rule.priority : Number.POSITIVE_INFINITY;
}
