/**
 * The rules `explain` decides with: rule files (`--rules DIR`, refused while one cannot be read
 * or parsed) or the live rules table, grouped as the functions read them.
 */
import type { Finding } from '../../shared/finding';
import { findFiles, readRuleFiles } from '../../shared/rule-files';
import { isRuleItem, readRuleTable } from './rule-table';
import { RulesByApp } from './rules-by-app';
import type { RulesTables } from './rules-tables';

export type ExplainRules = { ok: true; rules: RulesByApp; from: string } | { ok: false; problems: Finding[] };

export async function explainRules(rulesDir: string | undefined, cwd: string, db: RulesTables | undefined): Promise<ExplainRules> {
  if (rulesDir !== undefined) {
    const files = readRuleFiles(findFiles([rulesDir], cwd).ruleFiles, cwd);
    const problems = files.flatMap((file) => (file.ok ? [] : [file.problem]));
    if (problems.length > 0) return { ok: false, problems };
    // An item without a key of two strings is in no partition: the table cannot hold it.
    const items = files.flatMap((file) => (file.ok && isRuleItem(file.item) ? [file.item] : []));
    return { ok: true, rules: new RulesByApp(items), from: `the rule files in ${rulesDir}` };
  }
  if (db === undefined) throw new Error('explain needs rule files or a rules table');
  return { ok: true, rules: new RulesByApp(await readRuleTable(db)), from: `the rules table ${db.rulesTable} (${db.where})` };
}
