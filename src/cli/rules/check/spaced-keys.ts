/**
 * An `app_id` or `rule_id` with spaces around it: the rule's parser trims them, but the table's
 * key does not, so the functions, which read an app's partition by its exact id, never read
 * the rule for the app it seems to name.
 */
import type { Finding } from '../../shared/finding';
import { findingAt, type LoadedRule } from './loaded-rule';

export function spacedKeyWarnings(rules: readonly LoadedRule[]): Finding[] {
  return rules.flatMap((loaded) => {
    const raw = loaded.document.value as Record<string, unknown>;
    return (['app_id', 'rule_id'] as const)
      .filter((key) => typeof raw[key] === 'string' && raw[key] !== raw[key].trim())
      .map((key) =>
        findingAt(
          loaded,
          [key],
          key,
          `${JSON.stringify(raw[key])} has spaces around it: the table's key keeps them, so the functions never read this rule for ${JSON.stringify(String(raw[key]).trim())}`,
        ),
      );
  });
}
