/**
 * What `plan` shows and `apply` writes, computed once for both: the rule files (refused while
 * `check` finds a problem in them), the table's rules, the item diff, and the replay of the
 * audited calls of the last days under the rules as they would be.
 */
import type { Finding } from '../../shared/finding';
import { findFiles, readRuleFiles } from '../../shared/rule-files';
import { UsageError } from '../../shared/usage-error';
import { checkRules } from '../check/check-rules';
import { type AuditProgress, readAuditedCalls } from './audited-calls';
import { type ReplaySummary, summariseReplay } from './replay-summary';
import { isRuleItem, type RuleItem, readRuleTable, ruleKey, ruleName } from './rule-table';
import { planRules, type RulesPlan } from './rules-plan';
import type { RulesTables } from './rules-tables';

export interface ProposalOptions {
  days: number;
  prune: boolean;
  showSubjects: boolean;
  /** The replay's clock: now, except in tests. */
  now?: Date;
}

export type ReplayOutcome = { skipped: string } | { since: string; days: number; unreadable: number; summary: ReplaySummary };

export type Proposal = { ok: false; problems: Finding[] } | { ok: true; files: number; table: RuleItem[]; plan: RulesPlan; replay: ReplayOutcome };

function duplicateFindings(read: readonly { file: string; item: RuleItem }[]): Finding[] {
  const firstFile = new Map<string, string>();
  return read.flatMap(({ file, item }) => {
    const earlier = firstFile.get(ruleKey(item));
    if (earlier === undefined) {
      firstFile.set(ruleKey(item), file);
      return [];
    }
    return [{ file, path: 'rule_id', message: `${ruleName(item)} is also in ${earlier}: one file per rule` }];
  });
}

export function parseDays(text: string | undefined): number {
  const days = text === undefined ? 7 : Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 400) throw new UsageError(`--days ${JSON.stringify(text)}: a whole number of days from 1 to 400`);
  return days;
}

export async function propose(paths: readonly string[], cwd: string, db: RulesTables, options: ProposalOptions, progress?: AuditProgress): Promise<Proposal> {
  const checked = checkRules(paths, cwd);
  if (checked.problems.length > 0) return { ok: false, problems: checked.problems };
  // `check` passed: every file is read, and its item's key is two strings.
  const ruleFiles = readRuleFiles(findFiles(paths, cwd).ruleFiles, cwd).flatMap((file) =>
    file.ok && isRuleItem(file.item) ? [{ file: file.file, item: file.item }] : [],
  );
  // Two files for one item: which one the table should hold is not for apply to guess.
  const duplicates = duplicateFindings(ruleFiles);
  if (duplicates.length > 0) return { ok: false, problems: duplicates };
  const files = ruleFiles.map((file) => file.item);
  const table = await readRuleTable(db);
  const plan = planRules(files, table, { prune: options.prune });
  if (db.auditTable === undefined) {
    return {
      ok: true,
      files: files.length,
      table,
      plan,
      replay: { skipped: 'no audit table: give --audit-table NAME (or --stack NAME) to replay the last days’ decisions' },
    };
  }
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - options.days * 86_400_000);
  const read = await readAuditedCalls(db, db.auditTable, since, progress);
  const summary = summariseReplay(read.calls, plan.proposed, table, { showSubjects: options.showSubjects });
  return { ok: true, files: files.length, table, plan, replay: { since: since.toISOString(), days: options.days, unreadable: read.unreadable, summary } };
}
