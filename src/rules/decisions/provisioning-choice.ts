/**
 * Provisioning (docs/provisioning.md, "Provisioning rules"): for each permission, the highest-priority enforced
 * `provisioning` rule in scope whose `when` holds (a rule without `when` always does) picks the
 * provisioner. Shadow rules are traced only. A rule item in scope that fails validation stops
 * the choice: which provisioner was meant cannot be known.
 */
import type { Facts } from '../facts';
import type { Rule, RuleEntry } from '../rule-item';
import { evaluateRules, type RuleTrace } from '../trace';

export type ProvisioningChoice =
  | { status: 'rule'; rule: Rule & { provisioner: NonNullable<Rule['provisioner']> }; trace: RuleTrace[] }
  | { status: 'none'; trace: RuleTrace[] }
  | { status: 'invalid'; rule_id: string; trace: RuleTrace[] };

/** `permission` '' is the app itself (an empty `permissions` list): only rules not limited to permissions cover it. */
export function chooseProvisioningRule(entries: readonly RuleEntry[], permission: string, facts: Facts): ProvisioningChoice {
  const requested = permission === '' ? [] : [permission];
  const { trace, evaluated, invalid } = evaluateRules(entries, 'provisioning', requested, facts, { ok: true, detail: 'no condition' });
  const [broken] = invalid;
  if (broken) return { status: 'invalid', rule_id: broken.rule_id, trace };
  for (const { rule, outcome } of evaluated) {
    if (outcome.ok && rule.mode === 'enforce' && rule.provisioner) return { status: 'rule', rule: { ...rule, provisioner: rule.provisioner }, trace };
  }
  return { status: 'none', trace };
}

export interface PermissionChoice {
  permission: string;
  choice: ProvisioningChoice;
}

/** Chooses each permission's rule of one call, tracing every rule once across them all. */
export function provisioningChooser(entries: readonly RuleEntry[], facts: Facts): { choose(permission: string): PermissionChoice; trace: RuleTrace[] } {
  const trace: RuleTrace[] = [];
  return {
    trace,
    choose(permission) {
      const choice = chooseProvisioningRule(entries, permission, facts);
      trace.push(...choice.trace.filter((item) => !trace.some((seen) => seen.rule_id === item.rule_id && seen.app_id === item.app_id)));
      return { permission, choice };
    },
  };
}
