/**
 * A permission value only one rule of an app names is most likely a typo, or a permission the
 * other rules forgot (pre-approved, but no provisioning rule for it). A value in a rule's
 * `permissions` is flagged when no other rule of its app (the app's own rules and the `*` rules,
 * of any kind, enabled or not) names it, in `permissions` or in a `permission_in` condition,
 * while some other rule of the app names permissions at all: an app whose rules name none gives
 * nothing to compare with. `*` rules themselves are not checked: they span apps.
 */
import { leaves } from '../../../rules/conditions';
import type { Rule } from '../../../rules/rule-item';
import { didYouMean } from '../../shared/did-you-mean';
import type { Finding } from '../../shared/finding';
import { findingAt, type LoadedRule } from './loaded-rule';

/** How many of the app's other values a message lists. */
const LISTED = 5;

export function unmentionedPermissionWarnings(rules: readonly LoadedRule[]): Finding[] {
  return rules.flatMap((loaded) => {
    const { rule } = loaded;
    if (rule.app_id === '*' || !rule.permissions) return [];
    const others = rules.filter((other) => other !== loaded && (other.rule.app_id === rule.app_id || other.rule.app_id === '*'));
    const named = new Set(others.flatMap(({ rule: other }) => namedPermissions(other)));
    if (named.size === 0) return [];
    return rule.permissions.flatMap((value, index) => {
      if (named.has(value)) return [];
      const listed = [...named].slice(0, LISTED).map((other) => JSON.stringify(other));
      const more = named.size > LISTED ? ', …' : '';
      const message = `${JSON.stringify(value)} is named by no other rule of ${rule.app_id}${didYouMean(value, named)}; they name ${listed.join(', ')}${more}`;
      return [findingAt(loaded, ['permissions', index], `permissions[${index}]`, message)];
    });
  });
}

function namedPermissions(rule: Rule): string[] {
  const inConditions = rule.when ? [...leaves(rule.when)].flatMap((leaf) => (leaf.type === 'permission_in' ? leaf.values : [])) : [];
  return [...(rule.permissions ?? []), ...inConditions];
}
