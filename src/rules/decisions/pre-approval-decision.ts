/**
 * Pre-approval decision (docs/rules.md): PREAPPROVED iff some enforced `allow` rule
 * in scope matches and no enforced `deny` rule matches (or is undecided). A rule item in scope
 * that fails validation makes the answer NOT_PREAPPROVED. Shadow rules are evaluated and traced only.
 */
import type { Facts } from '../facts';
import type { RuleEntry } from '../rule-item';
import { evaluateRules, type RuleTrace } from '../trace';

export interface PreApprovalDecision {
  approved: boolean;
  reason: string;
  /** The rule that decided, when one did. */
  rule_id?: string;
  trace: RuleTrace[];
}

const NO_CONDITION = { ok: false, detail: 'no condition' };

export function decidePreApproval(entries: readonly RuleEntry[], facts: Facts): PreApprovalDecision {
  const { trace, evaluated, invalid } = evaluateRules(entries, 'pre_approval', facts.request.permissions, facts, NO_CONDITION);
  const [broken] = invalid;
  if (broken) return { approved: false, reason: `rule ${broken.rule_id} is invalid`, rule_id: broken.rule_id, trace };
  const enforced = evaluated.filter(({ rule }) => rule.mode === 'enforce');
  const deny = enforced.find(({ rule, outcome }) => rule.effect === 'deny' && (outcome.ok || outcome.unknown));
  if (deny) return { approved: false, reason: `denied by rule ${deny.rule.rule_id}`, rule_id: deny.rule.rule_id, trace };
  const allow = enforced.find(({ rule, outcome }) => rule.effect === 'allow' && outcome.ok);
  if (allow) return { approved: true, reason: `allowed by rule ${allow.rule.rule_id}`, rule_id: allow.rule.rule_id, trace };
  return { approved: false, reason: 'no allow rule matched', trace };
}
