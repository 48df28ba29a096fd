import { describe, expect, it } from 'vitest';
import type { RuleItem } from '../../../../src/cli/rules/table/rule-table';
import { RulesByApp } from '../../../../src/cli/rules/table/rules-by-app';
import { parseRuleItem, type RuleEntry } from '../../../../src/rules/rule-item';

const item = (app_id: string, rule_id: string): RuleItem => ({ app_id, rule_id, kind: 'pre_approval', effect: 'allow', when: { all: [] } });
const ids = (entries: readonly RuleEntry[]) => entries.map((entry) => (entry.valid ? entry.rule.rule_id : entry.invalid.rule_id));

describe('rule items grouped as the functions read them', () => {
  it('gives an app its own partition and *’s, exactly as the ids are written', () => {
    // Act
    const rules = new RulesByApp([item('db', 'own'), item('*', 'everyone'), item('wiki', 'other'), item(' db', 'spaced')]);
    // Assess
    expect(ids(rules.for('db'))).toEqual(['own', 'everyone']);
    expect(ids(rules.for('*'))).toEqual(['everyone']);
  });

  it('takes stored items, never parsed entries', () => {
    // Prepare
    const entries = [item('db', 'own')].map(parseRuleItem);
    // Act
    // @ts-expect-error a parsed entry is not a stored rule item: it has no key to group it by
    const rules = new RulesByApp(entries);
    // Assess: were it let through, the app would be decided with no rules at all
    expect(rules.for('db')).toEqual([]);
  });
});
