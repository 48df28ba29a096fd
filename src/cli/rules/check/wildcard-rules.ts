/** A `*` rule takes part in every app's decisions: worth a second look in every review. */
import type { Finding } from '../../shared/finding';
import { findingAt, type LoadedRule } from './loaded-rule';

export function wildcardWarnings(rules: readonly LoadedRule[]): Finding[] {
  return rules
    .filter(({ rule }) => rule.app_id === '*')
    .map((loaded) => findingAt(loaded, ['app_id'], 'app_id', `"*" applies this ${loaded.rule.kind} rule to every app`));
}
