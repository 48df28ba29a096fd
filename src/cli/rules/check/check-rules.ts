/**
 * `lumos-rules check`: every rule file read with the runtime's parser, and held to what the rules
 * table can store (problems), then the checks across rules (warnings). Reads files only: no
 * table, no AWS.
 */
import { byFileAndLine, type Finding } from '../../shared/finding';
import { DEFAULT_RULES_PATH, findFiles, readRuleFiles } from '../../shared/rule-files';
import { duplicateWarnings } from './duplicate-rules';
import type { LoadedRule } from './loaded-rule';
import { neverHoldsWarnings } from './never-holds';
import { ruleProblems } from './rule-problems';
import { shadowedAllowWarnings } from './shadowed-allows';
import { spacedKeyWarnings } from './spaced-keys';
import { tableLimitProblems } from './table-limits';
import { unmentionedPermissionWarnings } from './unmentioned-permissions';
import { wildcardWarnings } from './wildcard-rules';

export interface CheckResult {
  /** Rule files read (test files are not rule files). */
  files: number;
  /** Valid rule items among them. */
  rules: number;
  problems: Finding[];
  warnings: Finding[];
}

export function checkRules(paths: readonly string[], cwd: string): CheckResult {
  const { ruleFiles } = findFiles(paths, cwd);
  const read = readRuleFiles(ruleFiles, cwd);
  const problems: Finding[] = [];
  const rules: LoadedRule[] = [];
  for (const file of read) {
    if (!file.ok) {
      problems.push(file.problem);
      continue;
    }
    problems.push(...tableLimitProblems(file.file, file.item, file.document));
    if (!file.entry.valid) problems.push(...ruleProblems(file.file, file.item, file.entry.invalid.problems, file.document));
    else rules.push({ file: file.file, rule: file.entry.rule, document: file.document });
  }
  const nothingFound: Finding[] =
    ruleFiles.length === 0
      ? [{ file: paths.length > 0 ? paths.join(', ') : DEFAULT_RULES_PATH, path: '', message: 'no rule files (.json, .yaml, .yml) found' }]
      : [];
  const warnings = [
    ...nothingFound,
    ...wildcardWarnings(rules),
    ...spacedKeyWarnings(rules),
    ...duplicateWarnings(read),
    ...neverHoldsWarnings(rules),
    ...unmentionedPermissionWarnings(rules),
    ...shadowedAllowWarnings(rules),
  ];
  return { files: ruleFiles.length, rules: rules.length, problems: problems.sort(byFileAndLine), warnings: warnings.sort(byFileAndLine) };
}
