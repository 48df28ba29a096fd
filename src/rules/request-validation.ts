/**
 * Request validation (DESIGN.md, "Decisions"): every enforced rule in scope is a requirement;
 * each one that fails adds its message for the requester; any failure blocks. Shadow rules are
 * evaluated and traced only. A rule item in scope that fails validation means the check cannot
 * run (the service then applies the deployment's fail mode).
 */
import { leaves, type Condition } from './conditions';
import { evaluate, type Facts } from './evaluate';
import type { RuleTrace } from './pre-approval';
import { scopeOf, type Rule, type RuleEntry } from './rule-item';

/** What placeholders in a rule's message stand for. */
export interface MessageContext {
  /** The app's friendly label, else its id. */
  app: string;
  /** The subject's email. */
  email: string;
  /** The requested permissions' labels (else values), comma-separated. */
  permission: string;
}

export type ValidationDecision =
  | { status: 'passed'; reason: string; trace: RuleTrace[] }
  | { status: 'blocked'; reason: string; messages: string[]; rule_ids: string[]; trace: RuleTrace[] }
  | { status: 'unavailable'; reason: string; rule_id: string; trace: RuleTrace[] };

const PLACEHOLDER = /\{(course|app|email|permission)\}/g;

/** Fills `{course}`, `{app}`, `{email}`, `{permission}`; other braces are left as written. */
export function renderMessage(template: string, values: MessageContext & { course: string }): string {
  return template.replace(PLACEHOLDER, (_match, name: keyof typeof values) => values[name]);
}

function coursesOf(condition: Condition | undefined): string {
  if (!condition) return '';
  const courses = new Set<string>();
  for (const leaf of leaves(condition)) if (leaf.type === 'training') courses.add(leaf.course);
  return [...courses].join(', ');
}

/** The requester-facing sentence of a failed requirement; without a message, one naming what is missing. */
export function requirementMessage(rule: Rule, detail: string, context: MessageContext): string {
  const course = coursesOf(rule.when);
  const template = rule.message?.trim() || (course ? 'Complete the required training ({course}) before requesting {app}.' : `You cannot request {app} yet: ${detail}.`);
  return renderMessage(template, { ...context, course });
}

export function decideRequestValidation(entries: readonly RuleEntry[], facts: Facts, context: MessageContext): ValidationDecision {
  const trace: RuleTrace[] = [];
  const failures: { rule_id: string; message: string }[] = [];
  let invalid: string | undefined;
  const ordered = [...entries].sort((a, b) => priority(b) - priority(a));

  for (const entry of ordered) {
    const scope = scopeOf(entry, 'request_validation', facts.request.permissions);
    if (!entry.valid) {
      const ids = { app_id: entry.invalid.app_id, rule_id: entry.invalid.rule_id };
      if (scope.inScope) {
        invalid ??= entry.invalid.rule_id;
        trace.push({ ...ids, outcome: 'invalid', detail: entry.invalid.problems.join('; ') });
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
    const outcome = rule.when ? evaluate(rule.when, facts) : { ok: false, detail: 'no condition' };
    trace.push({ ...base, outcome: outcome.ok ? 'matched' : outcome.unknown ? 'undecided' : 'not_matched', detail: outcome.detail });
    // An undecided requirement is not met: the check fails closed.
    if (!outcome.ok && rule.mode === 'enforce') {
      failures.push({ rule_id: rule.rule_id, message: requirementMessage(rule, outcome.detail, context) });
    }
  }

  if (invalid !== undefined) return { status: 'unavailable', reason: `rule ${invalid} is invalid`, rule_id: invalid, trace };
  if (failures.length > 0) {
    const messages = [...new Set(failures.map((failure) => failure.message))];
    const rule_ids = failures.map((failure) => failure.rule_id);
    return { status: 'blocked', reason: `requirement not met: ${rule_ids.join(', ')}`, messages, rule_ids, trace };
  }
  const met = trace.filter((item) => item.outcome === 'matched' && item.mode === 'enforce').length;
  return { status: 'passed', reason: met === 0 ? 'no requirements in scope' : `all ${met} requirement(s) met`, trace };
}

function priority(entry: RuleEntry): number {
  return entry.valid ? entry.rule.priority : Number.POSITIVE_INFINITY;
}
