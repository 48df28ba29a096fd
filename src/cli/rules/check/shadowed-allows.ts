/**
 * An allow rule with a deny twin (same app, same permissions, the same conditions) can never
 * pre-approve anything: whenever it matches, so does the deny, and deny always wins. Both must
 * be enabled and enforced for that to hold; shadow rules never decide.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Rule } from '../../../rules/rule-item';
import type { Finding } from '../../shared/finding';
import { findingAt, type LoadedRule } from './loaded-rule';

export function shadowedAllowWarnings(rules: readonly LoadedRule[]): Finding[] {
  const deciding = rules.filter(({ rule }) => rule.kind === 'pre_approval' && rule.enabled && rule.mode === 'enforce');
  return deciding.flatMap((allow) => {
    if (allow.rule.effect !== 'allow') return [];
    const twin = deciding.find(({ rule }) => rule.effect === 'deny' && sameScopeAndConditions(allow.rule, rule));
    if (!twin) return [];
    const message = `the deny rule ${JSON.stringify(twin.rule.rule_id)} (${twin.file}) has the same app, permissions and conditions, and deny always wins: this rule never pre-approves anything`;
    return [findingAt(allow, ['effect'], 'effect', message)];
  });
}

function sameScopeAndConditions(a: Rule, b: Rule): boolean {
  return a.app_id === b.app_id && isDeepStrictEqual(permissionSet(a), permissionSet(b)) && isDeepStrictEqual(a.when, b.when);
}

/** Order and repeats aside; absent (every permission) stays absent. */
function permissionSet(rule: Rule): string[] | undefined {
  return rule.permissions ? [...new Set(rule.permissions)].sort() : undefined;
}
