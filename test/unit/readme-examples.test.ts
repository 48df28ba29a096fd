/** The README's rule items and conditions are copy-paste correct: each one parses as written. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectorSecretSchema } from '../../src/provisioners/http-spec';
import { parseCondition } from '../../src/rules/conditions';
import { parseRuleItem } from '../../src/rules/rule-item';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const jsonBlocks = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1] as string) as Record<string, unknown>);
const ruleItems = jsonBlocks.filter((block) => 'rule_id' in block && 'kind' in block);
const conditions = jsonBlocks.filter((block) => ['any', 'all', 'not'].some((key) => Object.keys(block).length === 1 && key in block));

describe('README examples', () => {
  it('has rule items of every kind and some bare conditions', () => {
    expect(new Set(ruleItems.map((item) => item.kind))).toEqual(new Set(['pre_approval', 'request_validation', 'provisioning']));
    expect(conditions.length).toBeGreaterThan(0);
  });

  it.each(ruleItems.map((item) => [item.rule_id, item] as const))('rule item %s is valid', (_id, item) => {
    const parsed = parseRuleItem(item);
    expect(parsed.valid ? [] : parsed.invalid.problems).toEqual([]);
  });

  it.each(conditions.map((condition, index) => [index, condition] as const))('condition #%s is valid', (_index, condition) => {
    expect(parseCondition(condition).issues).toEqual([]);
  });

  it('shows a connector secret value of the shape the http provisioner reads', () => {
    const secrets = jsonBlocks.filter((block) => 'allowed_hosts' in block);
    expect(secrets).toHaveLength(1);
    expect(ConnectorSecretSchema.safeParse(secrets[0]).success).toBe(true);
  });
});
