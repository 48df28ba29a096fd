/**
 * A rule file's problems as the runtime's parser finds them (`parseRuleItem`), each naming the
 * file, the path inside it and its line, with a "did you mean" wherever a name is misspelt.
 */

import { formatPath } from '../../../kernel/issue-path';
import { CONDITION_NAMES } from '../../../rules/conditions';
import { parseRuleItem, RULE_KINDS } from '../../../rules/rule-item';
import { WEEKDAYS } from '../../../rules/time-window';
import { didYouMean } from '../../shared/did-you-mean';
import type { ParsedDocument } from '../../shared/document';
import type { Finding } from '../../shared/finding';
import { parsePath } from '../../shared/object-path';
import { CONDITION_ATTRIBUTES } from './condition-attributes';

export function ruleProblems(file: string, item: Record<string, unknown>, problems: readonly string[], document: ParsedDocument): Finding[] {
  return [...problems, ...unreportedAttributes(item, problems)].flatMap((problem) => {
    const cut = problem.indexOf(': ');
    const path = cut < 0 ? [] : parsePath(problem.slice(0, cut));
    const message = cut < 0 ? problem : problem.slice(cut + 2);
    return explained(path, message, valueAt(item, path)).map((found) => {
      const position = document.locate(found.path);
      return { file, path: formatPath(found.path), message: found.message, ...(position ?? {}) };
    });
  });
}

type Segment = string | number;

/** The values an attribute may take, by its name (or, for `days`, its list's name). */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  kind: RULE_KINDS,
  effect: ['allow', 'deny'],
  mode: ['enforce', 'shadow'],
  who: ['target', 'requester'],
  days: WEEKDAYS,
};

/** The parser's message, with the misspelt name's (or value's) likely meaning. */
function explained(path: Segment[], message: string, value: unknown): { path: Segment[]; message: string }[] {
  const name = path[path.length - 1];
  const owner = typeof name === 'number' ? path[path.length - 2] : name;
  const choices = typeof owner === 'string' && Object.hasOwn(CHOICES, owner) ? CHOICES[owner] : undefined;
  if (choices && typeof value === 'string' && !choices.includes(value)) {
    const meant = didYouMean(value, choices);
    if (meant) return [{ path, message: `${message}${meant}` }];
  }
  if (typeof name === 'string' && message.startsWith(`unknown condition ${JSON.stringify(name)}`)) {
    const meant = didYouMean(name, CONDITION_NAMES);
    return [{ path, message: meant ? `unknown condition${meant}` : message }];
  }
  const unrecognized = /^Unrecognized keys?: (.+)$/.exec(message);
  if (unrecognized) {
    const keys = [...(unrecognized[1] as string).matchAll(/"([^"]*)"/g)].map((match) => match[1] as string);
    const known = typeof name === 'string' && path[0] === 'when' ? CONDITION_ATTRIBUTES[name] : undefined;
    return keys.map((key) => ({
      path: [...path, key],
      message: `unknown attribute${didYouMean(key, known ?? [])}${known ? `; ${String(name)} takes ${known.join(', ')}` : ''}`,
    }));
  }
  return [{ path, message }];
}

function valueAt(item: unknown, path: readonly Segment[]): unknown {
  let value = item;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<Segment, unknown>)[segment];
  }
  return value;
}

/** What a placeholder stands in for while probing: the attributes every item must have. */
const REQUIRED_PLACEHOLDERS: Readonly<Record<string, string>> = { app_id: 'probe', rule_id: 'probe', kind: 'pre_approval' };

/**
 * The parser looks for misspelt attributes only once the known ones are valid, so a file with a
 * bad `kind` and an `enable` would need two rounds of fixes. Reading it again with the failing
 * attributes set aside finds the misspelt ones now (only those are taken from the second reading).
 */
function unreportedAttributes(item: Record<string, unknown>, problems: readonly string[]): string[] {
  if (problems.some((problem) => problem.includes(': unknown attribute'))) return [];
  const failing = new Set(problems.map((problem) => parsePath(problem.slice(0, Math.max(0, problem.indexOf(': '))))[0]));
  failing.delete('when');
  const probe: Record<string, unknown> = { ...item };
  let changed = false;
  for (const key of failing) {
    if (typeof key !== 'string') continue;
    if (Object.hasOwn(REQUIRED_PLACEHOLDERS, key)) probe[key] = REQUIRED_PLACEHOLDERS[key];
    else if (Object.hasOwn(probe, key)) delete probe[key];
    else continue;
    changed = true;
  }
  if (!changed) return [];
  const again = parseRuleItem(probe);
  return again.valid ? [] : again.invalid.problems.filter((problem) => /^[^:]*: unknown attribute/.test(problem));
}
