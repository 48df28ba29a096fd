/** How plan (and apply, before it asks) shows a proposal: the rule diff, then the replay. */
import { plural } from '../../shared/plural';
import { type Colours, joined, type Printed, printed, prose } from '../../shared/terminal-text';
import type { ReplayOutcome } from './proposal';
import type { ChangeGroup } from './replay-summary';
import { type RuleItem, ruleName } from './rule-table';
import type { RulesPlan } from './rules-plan';
import { displayJson } from './table-values';

/** A value of a rule as plan shows it: JSON, as prose (a description's letters stay, its controls do not). */
const value = (shown: unknown): Printed => (shown === undefined ? printed`(absent)` : prose(displayJson(shown)));

/** `<app_id>/<rule_id>`, each an identifier: a rule id cannot pass for a line of the plan. */
export const printedRuleName = (item: RuleItem): Printed => printed`${item.app_id}/${item.rule_id}`;

export function planLines(plan: RulesPlan, c: Colours): Printed[] {
  const lines: Printed[] = [];
  for (const item of plan.added) lines.push(c.green(printed`  + ${printedRuleName(item)}`));
  for (const change of plan.changed) {
    lines.push(c.yellow(printed`  ~ ${printedRuleName(change.after)}`));
    for (const field of change.fields) lines.push(printed`      ${field.path}: ${value(field.before)} → ${value(field.after)}`);
  }
  for (const item of plan.missing) {
    lines.push(
      plan.prune
        ? c.red(printed`  - ${printedRuleName(item)}`)
        : c.dim(printed`    ${printedRuleName(item)}: in the table, not in the files (kept; --prune removes it)`),
    );
  }
  const removing = plan.prune ? plan.missing.length : 0;
  const leftAlone = plan.untouched > 0 ? printed`; ${plural(plan.untouched, 'rule')} of apps the files do not mention left alone` : '';
  lines.push(printed`Rules: ${plan.added.length} to add, ${plan.changed.length} to change, ${removing} to remove, ${plan.unchanged} unchanged${leftAlone}`);
  return lines;
}

export function replayLines(replay: ReplayOutcome, c: Colours): Printed[] {
  if ('skipped' in replay) return [c.dim(printed`Replay skipped: ${prose(replay.skipped)}`)];
  const { summary } = replay;
  const reasons = joined(
    Object.entries(summary.reasons).map(([why, count]) => printed`${prose(why)}: ${count}`),
    '; ',
  );
  const lines = [
    printed`Replay: ${plural(summary.calls, 'audited call')} of the last ${plural(replay.days, 'day')} (since ${replay.since})`,
    printed`  ${(summary.changed > 0 ? c.yellow : c.green)(printed`${plural(summary.changed, 'decision')} change`)}, ${summary.unchanged} unchanged, ${summary.notReplayable} not replayable${reasons.text ? printed` (${reasons})` : ''}`,
  ];
  if (summary.alreadyDifferent > 0) {
    lines.push(printed`  ${plural(summary.alreadyDifferent, 'call')} already decide differently under the table’s current rules (the table changed since)`);
  }
  if (replay.unreadable > 0) lines.push(printed`  ${plural(replay.unreadable, 'audit item')} could not be read as calls and were left out`);
  for (const group of summary.groups) lines.push(...groupLines(group));
  return lines;
}

function groupLines(group: ChangeGroup): Printed[] {
  return [
    printed`  ${group.app_id}  rule ${group.rule_id}: ${plural(group.changed, 'change')}`,
    ...group.examples.map((example) => {
      const who = example.subject === undefined ? '' : printed` ${example.subject}`;
      return printed`      ${example.kind}${who} [${joined(example.permissions, ', ')}]  ${prose(example.before)} → ${prose(example.after)}`;
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
