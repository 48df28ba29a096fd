/**
 * Two files with the same `app_id` and `rule_id` are one item in the rules table: whichever is
 * written last replaces the other. Invalid items count too (they are stored all the same).
 */
import type { Finding } from '../../shared/finding';
import type { RuleFile } from '../../shared/rule-files';

export function duplicateWarnings(files: readonly RuleFile[]): Finding[] {
  const first = new Map<string, string>();
  const warnings: Finding[] = [];
  for (const file of files) {
    if (!file.ok) continue;
    const { entry } = file;
    const appId = entry.valid ? entry.rule.app_id : entry.invalid.app_id.trim();
    const ruleId = entry.valid ? entry.rule.rule_id : entry.invalid.rule_id.trim();
    // An item without these cannot be stored at all; its problems say so.
    if (!entry.valid && (typeof file.item.app_id !== 'string' || typeof file.item.rule_id !== 'string')) continue;
    const key = JSON.stringify([appId, ruleId]);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, file.file);
      continue;
    }
    warnings.push({
      file: file.file,
      path: 'rule_id',
      message: `app_id "${appId}" and rule_id "${ruleId}" are also those of ${earlier}: in the rules table one item would replace the other`,
      ...(file.document.locate(['rule_id']) ?? {}),
    });
  }
  return warnings;
}
