import { describe, expect, it } from 'vitest';
import { chooseProvisioningRule } from '../../../../src/rules/decisions/provisioning-choice';
import { parseRuleItem } from '../../../../src/rules/rule-item';
import { facts } from '../../../support/rules';

const rule = (overrides: Record<string, unknown>) =>
  parseRuleItem({ app_id: 'app-1', rule_id: 'r', kind: 'provisioning', provisioner: 'ledger', ...overrides });

describe('provisioning rule choice', () => {
  it('picks the highest-priority enforced rule in scope for the permission', () => {
    const entries = [rule({ rule_id: 'low', priority: 1 }), rule({ rule_id: 'high', priority: 9 }), rule({ rule_id: 'shadow', priority: 99, mode: 'shadow' })];
    const choice = chooseProvisioningRule(entries, 'read', facts());
    expect(choice.status === 'rule' && choice.rule.rule_id).toBe('high');
    expect(choice.trace.map((item) => item.rule_id)).toContain('shadow');
  });

  it('skips rules limited to other permissions or whose condition fails', () => {
    const entries = [rule({ rule_id: 'admins', permissions: ['admin'] }), rule({ rule_id: 'corp-only', when: { email_domain_in: ['corp.example.com'] } })];
    expect(chooseProvisioningRule(entries, 'read', facts()).status).toBe('none');
    expect(chooseProvisioningRule(entries, 'admin', facts())).toMatchObject({ status: 'rule', rule: { rule_id: 'admins' } });
  });

  it('covers the app itself (no permission) only with a rule not limited to permissions', () => {
    // Prepare
    const limited = [rule({ rule_id: 'admins', permissions: ['admin'] })];
    const both = [...limited, rule({ rule_id: 'whole-app', priority: 0 })];
    // Act / Assess
    expect(chooseProvisioningRule(limited, '', facts()).status).toBe('none');
    expect(chooseProvisioningRule(both, '', facts())).toMatchObject({ status: 'rule', rule: { rule_id: 'whole-app' } });
  });

  it('stops at an invalid rule in scope: which provisioner was meant cannot be known', () => {
    expect(chooseProvisioningRule([rule({ rule_id: 'ok' }), rule({ rule_id: 'broken', provisioner: 'ledgr' })], 'read', facts())).toMatchObject({
      status: 'invalid',
      rule_id: 'broken',
    });
  });

  it('reads "ledger", an http spec, and refuses other shapes with a clear message', () => {
    expect(rule({}).valid).toBe(true);
    const broken = rule({
      provisioner: {
        type: 'http',
        secret: 'lumos-connectors/x',
        provision: { method: 'POST', url: 'https://{app.id}.example.com/' },
        deprovision: { method: 'DELETE', url: 'ftp://x' },
      },
    });
    expect(broken.valid).toBe(false);
    if (!broken.valid) {
      expect(broken.invalid.problems.join('\n')).toContain('placeholders are not allowed in the host');
      expect(broken.invalid.problems.join('\n')).toContain('expected an absolute URL');
    }
    const missing = parseRuleItem({ app_id: 'a', rule_id: 'r', kind: 'provisioning' });
    expect(!missing.valid && missing.invalid.problems.join()).toContain('needs a provisioner');
  });

  it('refuses on-call and training conditions, which provisioning cannot read', () => {
    const parsed = rule({ when: { on_call: { schedule: 'x' } } });
    expect(!parsed.valid && parsed.invalid.problems.join()).toContain('not available in provisioning rules');
  });
});
