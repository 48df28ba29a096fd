/**
 * Pre-approval decision (DESIGN.md, "Decisions"): PREAPPROVED iff some enforced `allow` rule
 * in scope matches and no enforced `deny` rule matches. A rule item in scope that fails
 * validation makes the answer NOT_PREAPPROVED. Shadow rules are evaluated and traced only.
 */
import { evaluate, type Facts } from './evaluate';
import { scopeOf, type RuleEntry } from './rule-item';

export interface RuleTrace {
  app_id: string;
  rule_id: string;
  /** `undecided`: a condition could not be decided; a deny rule then blocks, an allow rule does not match. */
  outcome: 'matched' | 'not_matched' | 'undecided' | 'invalid' | 'skipped';
  effect?: 'allow' | 'deny';
  mode?: 'enforce' | 'shadow';
  detail: string;
}

export interface PreApprovalDecision {
  approved: boolean;
  reason: string;
  /** The rule that decided, when one did. */
  rule_id?: string;
  trace: RuleTrace[];
}

export function decidePreApproval(entries: readonly RuleEntry[], facts: Facts): PreApprovalDecision {
  const trace: RuleTrace[] = [];
  const ordered = [...entries].sort((a, b) => priority(b) - priority(a));
  for (const entry of ordered) {
    const scope = scopeOf(entry, 'pre_approval', facts.request.permissions);
    if (!entry.valid) {
      if (scope.inScope) {
        trace.push({ ...ids(entry), outcome: 'invalid', detail: entry.invalid.problems.join('; ') });
      } else if (scope.why !== null) {
        trace.push({ ...ids(entry), outcome: 'skipped', detail: scope.why });
      }
      continue;
    }
    const { rule } = entry;
    const base = { app_id: rule.app_id, rule_id: rule.rule_id, effect: rule.effect, mode: rule.mode };
    if (!scope.inScope) {
      if (scope.why !== null) trace.push({ ...base, outcome: 'skipped', detail: scope.why });
      continue;
    }
    // A valid pre_approval rule always has `when` (the schema requires it).
    const outcome = rule.when ? evaluate(rule.when, facts) : { ok: false, detail: 'no condition' };
    trace.push({ ...base, outcome: outcome.ok ? 'matched' : outcome.unknown ? 'undecided' : 'not_matched', detail: outcome.detail });
  }

  const invalid = trace.find((item) => item.outcome === 'invalid');
  if (invalid) {
    return { approved: false, reason: `rule ${invalid.rule_id} is invalid`, rule_id: invalid.rule_id, trace };
  }
  const enforced = (item: RuleTrace) => item.mode === 'enforce';
  const deny = trace.find((item) => enforced(item) && item.effect === 'deny' && (item.outcome === 'matched' || item.outcome === 'undecided'));
  if (deny) return { approved: false, reason: `denied by rule ${deny.rule_id}`, rule_id: deny.rule_id, trace };
  const allow = trace.find((item) => enforced(item) && item.effect === 'allow' && item.outcome === 'matched');
  if (allow) return { approved: true, reason: `allowed by rule ${allow.rule_id}`, rule_id: allow.rule_id, trace };
  return { approved: false, reason: 'no allow rule matched', trace };
}

function priority(entry: RuleEntry): number {
  return entry.valid ? entry.rule.priority : Number.POSITIVE_INFINITY;
}

function ids(entry: Extract<RuleEntry, { valid: false }>): Pick<RuleTrace, 'app_id' | 'rule_id'> {
  return { app_id: entry.invalid.app_id, rule_id: entry.invalid.rule_id };
}
