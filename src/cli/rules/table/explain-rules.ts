/**
 * The rules `explain` decides with: rule files (`--rules DIR`, refused while one cannot be read
 * or parsed) or the live rules table.
 */
import { parseRuleItem, type RuleEntry } from '../../../rules/rule-item';
import type { Finding } from '../../shared/finding';
import { findFiles, readRuleFiles } from '../../shared/rule-files';
import { readRuleTable } from './rule-table';
import type { Target } from './target';

export type ExplainRules = { ok: true; entries: RuleEntry[]; from: string } | { ok: false; problems: Finding[] };

export async function explainRules(rulesDir: string | undefined, cwd: string, target: Target | undefined): Promise<ExplainRules> {
  if (rulesDir !== undefined) {
    const files = readRuleFiles(findFiles([rulesDir], cwd).ruleFiles, cwd);
    const problems = files.flatMap((file) => (file.ok ? [] : [file.problem]));
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, entries: files.flatMap((file) => (file.ok ? [file.entry] : [])), from: `the rule files in ${rulesDir}` };
  }
  if (target === undefined) throw new Error('explain needs rule files or a rules table');
  return { ok: true, entries: (await readRuleTable(target)).map(parseRuleItem), from: `the rules table ${target.rulesTable} (${target.where})` };
}

/** An app's rules and `*`'s, as the functions read them. */
export const rulesOfApp = (entries: readonly RuleEntry[], appId: string): RuleEntry[] =>
  entries.filter((entry) => {
    const app = entry.valid ? entry.rule.app_id : entry.invalid.app_id;
    return app === appId || app === '*';
  });
