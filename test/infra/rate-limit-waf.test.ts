/** The optional WAF web ACL (lib/rate-limit-waf.ts): a per-IP rate limit in front of the stage. */
import { beforeAll, describe, expect, it } from 'vitest';
import { onlyLogicalId, propertiesOf, type Synthesized, synthContext } from '../support/infra/stack-template';

describe('API hardening', () => {
  let defaults: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
  });

  describe('WAF', () => {
    it('is absent by default, even with a wafRateLimit', () => {
      // Prepare / Act
      const withLimitOnly = synthContext({ wafRateLimit: '1000' });
      // Assess
      for (const { template } of [defaults, withLimitOnly]) {
        template.resourceCountIs('AWS::WAFv2::WebACL', 0);
        template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
      }
    });

    it('with waf=true, blocks an IP over 300 requests in 5 minutes on the stage', () => {
      // Prepare
      const { template } = synthContext({ waf: 'true' });
      const aclId = onlyLogicalId(template, 'AWS::WAFv2::WebACL');
      const apiId = onlyLogicalId(template, 'AWS::ApiGateway::RestApi');
      const stageId = onlyLogicalId(template, 'AWS::ApiGateway::Stage');
      // Act
      const acl = propertiesOf(template, 'AWS::WAFv2::WebACL', aclId);
      const association = propertiesOf(template, 'AWS::WAFv2::WebACLAssociation', onlyLogicalId(template, 'AWS::WAFv2::WebACLAssociation'));
      // Assess
      expect(acl.Scope).toBe('REGIONAL');
      expect(acl.DefaultAction).toEqual({ Allow: {} });
      expect(acl.Rules).toEqual([
        expect.objectContaining({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', EvaluationWindowSec: 300, Limit: 300 } },
        }),
      ]);
      expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      const stageArn = JSON.stringify(association.ResourceArn);
      expect(stageArn).toContain(`":apigateway:"`);
      expect(stageArn).toContain(`{"Ref":"${apiId}"}`);
      expect(stageArn).toContain(`"/stages/",{"Ref":"${stageId}"}`);
    });

    it("follows wafRateLimit within WAF's bounds", () => {
      // Prepare / Act
      const { template } = synthContext({ waf: true, wafRateLimit: 1000 });
      // Assess
      const acl = propertiesOf(template, 'AWS::WAFv2::WebACL', onlyLogicalId(template, 'AWS::WAFv2::WebACL'));
      expect(acl.Rules).toEqual([expect.objectContaining({ Statement: { RateBasedStatement: expect.objectContaining({ Limit: 1000 }) } })]);
      expect(() => synthContext({ waf: true, wafRateLimit: '5' })).toThrow('context wafRateLimit must be a whole number from 10');
    });

    it('keeps sampled requests off: they would show the token header in the console', () => {
      // Prepare
      const { template } = synthContext({ waf: 'true' });
      // Act
      const acl = JSON.stringify(template.findResources('AWS::WAFv2::WebACL'));
      // Assess
      expect(acl).toContain('"SampledRequestsEnabled":false');
      expect(acl).not.toContain('"SampledRequestsEnabled":true');
    });
  });
});
