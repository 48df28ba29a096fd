import { describe, expect, it } from 'vitest';
import { decidePreApproval } from '../../../src/rules/decisions/pre-approval-decision';
import { parseRuleItem } from '../../../src/rules/rule-item';
import { entry, facts, ruleItem } from '../../support/rules';

describe('rule item attributes', () => {
  it.each([
    ['permisions', ['read-only'], 'permissions'],
    ['enable', false, 'enabled'],
    ['mdoe', 'shadow', 'mode'],
  ])('makes a rule with the misspelt attribute %s invalid, suggesting %s', (key, value, meant) => {
    // Act
    const parsed = parseRuleItem(ruleItem({ [key]: value }));
    // Assess
    expect(parsed.valid).toBe(false);
    if (!parsed.valid)
      expect(parsed.invalid.problems).toContain(`${key}: unknown attribute (did you mean "${meant}"?); notes go in description, notes or an x_ attribute`);
  });

  it('keeps notes, owners, tickets and x_ attributes for people', () => {
    const parsed = parseRuleItem(ruleItem({ notes: 'added in INC-42', ticket: 'INC-42', owner: 'sre', x_reviewed: true, updated_by: 'a', updated_at: 'b' }));
    expect(parsed.valid).toBe(true);
  });

  it('blocks with a misspelt attribute rather than pre-approving more than meant', () => {
    // An allow rule meant for read-only, with "permissions" misspelt, must not approve admin.
    const decision = decidePreApproval([entry({ rule_id: 'read-only', permisions: ['read-only'] })], facts({ request: { permissions: ['admin'] } }));
    expect(decision).toMatchObject({ approved: false, reason: 'rule read-only is invalid' });
  });

  it('applies an invalid deny rule limited to " admin" (stray space) to admin requests', () => {
    const rules = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'broken-deny', effect: 'deny', enabled: 'true', permissions: [' admin'] })];
    expect(decidePreApproval(rules, facts({ request: { permissions: ['admin'] } }))).toMatchObject({ approved: false, rule_id: 'broken-deny' });
    expect(decidePreApproval(rules, facts({ request: { permissions: ['read'] } }))).toMatchObject({ approved: true });
  });

  it('does not pre-approve through not() when the requester is missing', () => {
    const decision = decidePreApproval([entry({ rule_id: 'not-self', when: { not: { self_request: true } } })], facts({ request: { requester: null } }));
    expect(decision).toMatchObject({ approved: false });
    expect(decision.trace[0]).toMatchObject({ outcome: 'undecided' });
  });
});
