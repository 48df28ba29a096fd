/** Builders shared by the rule-engine unit tests: real types, fixed dates, plain admin JSON. */
import { type Condition, parseCondition } from '../../src/rules/conditions';
import type { Facts, RequestFacts, Shift } from '../../src/rules/facts';
import { parseRuleItem, type RuleEntry } from '../../src/rules/rule-item';

export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';

/** A Sunday, 00:30 UTC (01:30 in Berlin, 30 minutes before the spring DST change). */
export const NOW = new Date('2026-03-29T00:30:00Z');

export function request(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    appId: 'app-1',
    permissions: ['read'],
    target: ALICE,
    requester: BOB,
    accessLength: 3_600,
    customFields: {},
    ...overrides,
  };
}

export function facts(overrides: { request?: Partial<RequestFacts>; now?: Date; shifts?: readonly Shift[] } = {}): Facts {
  return { request: request(overrides.request), now: overrides.now ?? NOW, shifts: overrides.shifts ?? [] };
}

export function shift(email: string, starts_at: string, ends_at: string, schedule = 'db-primary'): Shift {
  return { schedule, email, starts_at, ends_at };
}

/** Parses admin JSON into a condition, failing the test with the parser's issues if it is rejected. */
export function condition(raw: unknown): Condition {
  const { condition: parsed, issues } = parseCondition(raw);
  if (!parsed) throw new Error(`condition rejected: ${JSON.stringify(issues)}`);
  return parsed;
}

/** A pre-approval rule item as an admin writes it; `overrides` may set any attribute (undefined removes it). */
export function ruleItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const item: Record<string, unknown> = {
    app_id: 'app-1',
    rule_id: 'rule',
    kind: 'pre_approval',
    effect: 'allow',
    when: { all: [] },
    ...overrides,
  };
  for (const [key, value] of Object.entries(item)) if (value === undefined) delete item[key];
  return item;
}

export function entry(overrides: Record<string, unknown> = {}): RuleEntry {
  return parseRuleItem(ruleItem(overrides));
}
