import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { planRules } from '../../../../src/cli/rules/table/rules-plan';

const rule = (overrides: Record<string, unknown> = {}) => ({
  app_id: 'app',
  rule_id: 'r',
  kind: 'pre_approval',
  effect: 'allow',
  when: { all: [{ on_call: { schedule: 's' } }] },
  ...overrides,
});

describe('the plan of rule files against the table', () => {
  it('ignores updated_by and updated_at, the table’s bookkeeping', () => {
    // Act
    const plan = planRules([rule()], [rule({ updated_by: 'alice', updated_at: '2026-01-01T00:00:00Z' })], { prune: false });
    // Assess
    expect(plan).toMatchObject({ added: [], changed: [], unchanged: 1 });
  });

  it('names each changed field by its path, lists compared whole', () => {
    // Act
    const plan = planRules([rule({ when: { all: [{ on_call: { schedule: 't' } }] }, priority: 5 })], [rule()], { prune: false });
    // Assess
    expect(plan.changed[0]?.fields).toEqual([
      { path: 'when.all', before: [{ on_call: { schedule: 's' } }], after: [{ on_call: { schedule: 't' } }] },
      { path: 'priority', after: 5 },
    ]);
  });

  it('never takes a set or an exact number in the table for an empty object a file can match', () => {
    // Act
    const withSet = planRules([rule({ x_tags: {} })], [rule({ x_tags: new Set(['a']) })], { prune: false });
    const withNumber = planRules([rule({ x_ticket: 12345678901234567000 })], [rule({ x_ticket: new NumberValue('12345678901234567890') })], { prune: false });
    // Assess
    expect(withSet.changed).toHaveLength(1);
    expect(withNumber.changed).toHaveLength(1);
  });

  it('keeps table rules missing from the files unless pruning, and never touches apps the files do not mention', () => {
    // Prepare
    const table = [rule(), rule({ rule_id: 'gone' }), rule({ app_id: 'other' })];
    // Act
    const kept = planRules([rule()], table, { prune: false });
    const pruned = planRules([rule()], table, { prune: true });
    // Assess
    expect(kept).toMatchObject({ missing: [{ rule_id: 'gone' }], untouched: 1 });
    expect(kept.proposed.map((item) => `${item.app_id}/${item.rule_id}`).sort()).toEqual(['app/gone', 'app/r', 'other/r']);
    expect(pruned.proposed.map((item) => `${item.app_id}/${item.rule_id}`).sort()).toEqual(['app/r', 'other/r']);
  });
});
