/** How plan (and apply, before it asks) shows a proposal: the rule diff, then the replay. */
import type { Colours } from '../../shared/output';
import { plural } from '../../shared/plural';
import type { ReplayOutcome } from './proposal';
import type { ChangeGroup } from './replay-summary';
import { ruleName } from './rule-table';
import type { RulesPlan } from './rules-plan';
import { displayJson } from './table-values';

const value = (shown: unknown): string => (shown === undefined ? '(absent)' : displayJson(shown));

export function planLines(plan: RulesPlan, c: Colours): string[] {
  const lines: string[] = [];
  for (const item of plan.added) lines.push(c.green(`  + ${ruleName(item)}`));
  for (const change of plan.changed) {
    lines.push(c.yellow(`  ~ ${ruleName(change.after)}`));
    for (const field of change.fields) lines.push(`      ${field.path}: ${value(field.before)} → ${value(field.after)}`);
  }
  for (const item of plan.missing) {
    lines.push(plan.prune ? c.red(`  - ${ruleName(item)}`) : c.dim(`    ${ruleName(item)}: in the table, not in the files (kept; --prune removes it)`));
  }
  const removing = plan.prune ? plan.missing.length : 0;
  const leftAlone = plan.untouched > 0 ? `; ${plural(plan.untouched, 'rule')} of apps the files do not mention left alone` : '';
  lines.push(`Rules: ${plan.added.length} to add, ${plan.changed.length} to change, ${removing} to remove, ${plan.unchanged} unchanged${leftAlone}`);
  return lines;
}

export function replayLines(replay: ReplayOutcome, c: Colours): string[] {
  if ('skipped' in replay) return [c.dim(`Replay skipped: ${replay.skipped}`)];
  const { summary } = replay;
  const reasons = Object.entries(summary.reasons)
    .map(([why, count]) => `${why}: ${count}`)
    .join('; ');
  const lines = [
    `Replay: ${plural(summary.calls, 'audited call')} of the last ${plural(replay.days, 'day')} (since ${replay.since})`,
    `  ${(summary.changed > 0 ? c.yellow : c.green)(`${plural(summary.changed, 'decision')} change`)}, ${summary.unchanged} unchanged, ${summary.notReplayable} not replayable${reasons ? ` (${reasons})` : ''}`,
  ];
  if (summary.alreadyDifferent > 0) {
    lines.push(`  ${plural(summary.alreadyDifferent, 'call')} already decide differently under the table’s current rules (the table changed since)`);
  }
  if (replay.unreadable > 0) lines.push(`  ${plural(replay.unreadable, 'audit item')} could not be read as calls and were left out`);
  for (const group of summary.groups) lines.push(...groupLines(group));
  return lines;
}

function groupLines(group: ChangeGroup): string[] {
  return [
    `  ${group.app_id}  rule ${group.rule_id}: ${plural(group.changed, 'change')}`,
    ...group.examples.map((example) => {
      const who = example.subject === undefined ? '' : ` ${example.subject}`;
      return `      ${example.kind}${who} [${example.permissions.join(', ')}]  ${example.before} → ${example.after}`;
    }),
  ];
}

export function planJson(plan: RulesPlan) {
  return {
    added: plan.added.map(ruleName),
    changed: plan.changed.map((change) => ({ rule: ruleName(change.after), fields: change.fields })),
    missing: plan.missing.map(ruleName),
    prune: plan.prune,
    unchanged: plan.unchanged,
    untouched: plan.untouched,
  };
}
