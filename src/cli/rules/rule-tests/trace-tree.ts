/**
 * A decision's rule trace (src/rules/trace.ts) as an indented tree: each rule with its outcome,
 * and under each rule that was evaluated, its conditions, each with the engine's own verdict and
 * sentence (`evaluate`), so a failing case shows which condition decided.
 */
import type { Condition } from '../../../rules/conditions';
import { evaluate } from '../../../rules/evaluation';
import type { Facts } from '../../../rules/facts';
import type { RuleEntry } from '../../../rules/rule-item';
import type { RuleTrace } from '../../../rules/trace';
import { type Colours, type Printed, printed, prose } from '../../shared/terminal-text';

export interface TreeLine {
  depth: number;
  /** Conditions only: whether it holds, does not, or could not be decided. */
  verdict?: 'holds' | 'fails' | 'undecided';
  text: string;
}

export function traceTree(trace: readonly RuleTrace[], entries: readonly RuleEntry[], facts: Facts): TreeLine[] {
  return trace.flatMap((item) => {
    const tags = [item.effect, item.mode === 'shadow' ? 'shadow' : undefined].filter((tag) => tag !== undefined);
    const head: TreeLine = {
      depth: 0,
      text: `${item.app_id}/${item.rule_id}: ${item.outcome.replace('_', ' ')}${tags.length > 0 ? ` (${tags.join(', ')})` : ''}`,
    };
    const rule = entries.find((entry) => entry.valid && entry.rule.app_id === item.app_id && entry.rule.rule_id === item.rule_id);
    const evaluated = item.outcome === 'matched' || item.outcome === 'not_matched' || item.outcome === 'undecided';
    if (!evaluated || !rule?.valid || !rule.rule.when) return [head, { depth: 1, text: item.detail }];
    return [head, ...conditionLines(rule.rule.when, facts, 1)];
  });
}

function conditionLines(condition: Condition, facts: Facts, depth: number): TreeLine[] {
  const outcome = evaluate(condition, facts);
  const verdict = outcome.ok ? 'holds' : outcome.unknown ? 'undecided' : 'fails';
  if (condition.type === 'all' || condition.type === 'any') {
    const empty = condition.of.length === 0 ? ': empty' : '';
    return [{ depth, verdict, text: `${condition.type}${empty}` }, ...condition.of.flatMap((child) => conditionLines(child, facts, depth + 1))];
  }
  if (condition.type === 'not') return [{ depth, verdict, text: 'not' }, ...conditionLines(condition.of, facts, depth + 1)];
  return [{ depth, verdict, text: `${condition.type}: ${outcome.detail}` }];
}

/**
 * One line of the tree for people: indented by depth, a condition marked ✓ (holds), ✗ (fails) or
 * ? (undecided). The line's text is the engine's sentence, shown as prose.
 */
export function formatTreeLine(line: TreeLine, c: Colours, indent = '  '): Printed {
  const marks = { holds: c.green(printed`✓`), fails: c.red(printed`✗`), undecided: c.yellow(printed`?`) } as const;
  const mark = line.verdict === undefined ? '' : printed`${marks[line.verdict]} `;
  return printed`${indent}${'  '.repeat(line.depth)}${mark}${prose(line.text)}`;
}
