/**
 * The walk every decision shares: rules in priority order (unreadable items first), each one
 * in scope evaluated, every one traced (in scope, skipped with why, or invalid). Rules of other
 * kinds are left out of the trace. The decisions differ only in what they make of the result.
 */
import { evaluate, type Outcome } from './evaluation';
import type { Facts } from './facts';
import type { InvalidRule, Rule, RuleEntry, RuleKind } from './rule-item';
import { type ScopeResult, scopeOf } from './scope';

export interface RuleTrace {
  app_id: string;
  rule_id: string;
  /** `undecided`: a condition could not be decided; a deny rule then blocks, an allow rule does not match. */
  outcome: 'matched' | 'not_matched' | 'undecided' | 'invalid' | 'skipped';
  effect?: 'allow' | 'deny';
  mode?: 'enforce' | 'shadow';
  detail: string;
}

export interface EvaluatedRule {
  rule: Rule;
  outcome: Outcome;
}

export interface RulesEvaluation {
  trace: RuleTrace[];
  /** Valid rules in scope, highest priority first. */
  evaluated: EvaluatedRule[];
  /** Unreadable enforced items in scope: the decision cannot be trusted while there are any. */
  invalid: RuleTrace[];
}

/** `whenAbsent`: the outcome of a rule without `when` (only provisioning rules may omit it). */
export function evaluateRules(
  entries: readonly RuleEntry[],
  kind: RuleKind,
  permissions: readonly string[],
  facts: Facts,
  whenAbsent: Outcome,
): RulesEvaluation {
  const result: RulesEvaluation = { trace: [], evaluated: [], invalid: [] };
  for (const entry of [...entries].sort((a, b) => priority(b) - priority(a))) {
    const scope = scopeOf(entry, kind, permissions);
    if (entry.valid) traceRule(entry.rule, scope, facts, whenAbsent, result);
    else traceInvalid(entry.invalid, scope, result);
  }
  return result;
}

/** A valid rule: evaluated when in scope, else traced as skipped (or left out, for another kind). */
function traceRule(rule: Rule, scope: ScopeResult, facts: Facts, whenAbsent: Outcome, result: RulesEvaluation): void {
  const base = { app_id: rule.app_id, rule_id: rule.rule_id, ...(rule.effect === undefined ? {} : { effect: rule.effect }), mode: rule.mode };
  if (!scope.inScope) {
    if (scope.why !== null) result.trace.push({ ...base, outcome: 'skipped', detail: scope.why });
    return;
  }
  const outcome = rule.when ? evaluate(rule.when, facts) : whenAbsent;
  result.trace.push({ ...base, outcome: outcome.ok ? 'matched' : outcome.unknown ? 'undecided' : 'not_matched', detail: outcome.detail });
  result.evaluated.push({ rule, outcome });
}

/** An unreadable item: in scope, it is traced as invalid and (enforced) keeps the decision from being trusted. */
function traceInvalid(invalid: InvalidRule, scope: ScopeResult, result: RulesEvaluation): void {
  const ids = { app_id: invalid.app_id, rule_id: invalid.rule_id };
  if (scope.inScope) {
    // A shadow rule never decides, readable or not: traced (and logged, counted) only.
    const shadow = invalid.mode === 'shadow';
    const item: RuleTrace = { ...ids, outcome: 'invalid', mode: shadow ? 'shadow' : 'enforce', detail: invalid.problems.join('; ') };
    result.trace.push(item);
    if (!shadow) result.invalid.push(item);
  } else if (scope.why !== null) {
    result.trace.push({ ...ids, outcome: 'skipped', detail: scope.why });
  }
}

function priority(entry: RuleEntry): number {
  return entry.valid ? entry.rule.priority : Number.POSITIVE_INFINITY;
}
