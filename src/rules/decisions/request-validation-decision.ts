/**
 * Request validation (docs/rules.md): every enforced rule in scope is a requirement;
 * each one that fails adds its message for the requester; any failure blocks. Shadow rules are
 * evaluated and traced only. A rule item in scope that fails validation means the check cannot
 * run (the service then applies the deployment's fail mode).
 */
import { type Condition, leaves } from '../conditions';
import type { Facts } from '../facts';
import type { Rule, RuleEntry } from '../rule-item';
import { evaluateRules, type RuleTrace } from '../trace';

const NO_CONDITION = { ok: false, detail: 'no condition' };

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
  const template =
    rule.message?.trim() || (course ? 'Complete the required training ({course}) before requesting {app}.' : `You cannot request {app} yet: ${detail}.`);
  return renderMessage(template, { ...context, course });
}

export function decideRequestValidation(entries: readonly RuleEntry[], facts: Facts, context: MessageContext): ValidationDecision {
  const { trace, evaluated, invalid } = evaluateRules(entries, 'request_validation', facts.request.permissions, facts, NO_CONDITION);
  const [broken] = invalid;
  if (broken) return { status: 'unavailable', reason: `rule ${broken.rule_id} is invalid`, rule_id: broken.rule_id, trace };
  const enforced = evaluated.filter(({ rule }) => rule.mode === 'enforce');
  // An undecided requirement is not met: the check fails closed.
  const failures = enforced.filter(({ outcome }) => !outcome.ok);
  if (failures.length > 0) {
    const messages = [...new Set(failures.map(({ rule, outcome }) => requirementMessage(rule, outcome.detail, context)))];
    const rule_ids = failures.map(({ rule }) => rule.rule_id);
    return { status: 'blocked', reason: `requirement not met: ${rule_ids.join(', ')}`, messages, rule_ids, trace };
  }
  const met = enforced.length;
  return { status: 'passed', reason: met === 0 ? 'no requirements in scope' : `all ${met} requirement(s) met`, trace };
}
