/** The REST API (lib/webhook-api.ts): one route per kind to its own function, stage throttling, access and execution logs. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../support/infra/expectations';
import {
  accessLogSetting,
  arnOf,
  functionLogicalId,
  literally,
  onlyLogicalId,
  propertiesOf,
  type Resources,
  type Synthesized,
  synth,
  synthContext,
} from '../support/infra/stack-template';

/** The stage's one method setting (every method of every route). */
function stageMethodSettings(template: Template): Record<string, unknown> {
  const stage = propertiesOf(template, 'AWS::ApiGateway::Stage', onlyLogicalId(template, 'AWS::ApiGateway::Stage'));
  const settings = stage.MethodSettings as Record<string, unknown>[] | undefined;
  expect(settings).toHaveLength(1);
  const all = settings?.[0] ?? {};
  expect(all).toEqual(expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*' }));
  return all;
}

describe('WebhookStack', () => {
  let created: Synthesized;

  beforeAll(() => {
    created = synth();
  });

  describe('API', () => {
    it('is one regional REST API with a v1 stage', () => {
      // Prepare / Act: the default stack
      // Assess
      created.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      created.template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
      created.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
      created.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    it('has one route per kind, right under the root, and one method per route', () => {
      // Prepare
      const apiId = onlyLogicalId(created.template, 'AWS::ApiGateway::RestApi');
      // Act
      const routes = Object.values(created.template.findResources('AWS::ApiGateway::Resource') as Resources).map((resource) => resource.Properties);
      // Assess
      expect(routes.map((route) => route?.PathPart).sort()).toEqual([...KINDS].sort());
      for (const route of routes) expect(route?.ParentId).toEqual({ 'Fn::GetAtt': [apiId, 'RootResourceId'] });
      created.template.resourceCountIs('AWS::ApiGateway::Method', KINDS.length);
    });

    it.each(KINDS)('routes POST /%s to its own function as a Lambda proxy', (kind) => {
      // Prepare
      const { template } = created;
      const functionId = functionLogicalId(created, kind);
      // Act
      const resourceId = onlyLogicalId(template, 'AWS::ApiGateway::Resource', { Properties: { PathPart: kind } });
      const methodId = onlyLogicalId(template, 'AWS::ApiGateway::Method', { Properties: { ResourceId: { Ref: resourceId } } });
      const permissions = Object.values(
        template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: arnOf(functionId) } }) as Resources,
      ).map((permission) => permission.Properties);
      // Assess
      expect(propertiesOf(template, 'AWS::ApiGateway::Method', methodId)).toEqual(
        expect.objectContaining({
          HttpMethod: 'POST',
          Integration: {
            Type: 'AWS_PROXY',
            IntegrationHttpMethod: 'POST',
            Uri: { 'Fn::Join': ['', expect.arrayContaining([arnOf(functionId)])] },
          },
        }),
      );
      expect(permissions.length).toBeGreaterThan(0);
      for (const permission of permissions) {
        expect(permission).toEqual(expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }));
        expect(JSON.stringify(permission?.SourceArn)).toMatch(new RegExp(`/POST/${literally(kind)}"\\]\\]\\}$`));
      }
    });
  });
});

describe('API hardening', () => {
  let defaults: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
  });

  describe('throttling', () => {
    it('is human-scale by default: 10 requests per second, bursts of 20', () => {
      // Prepare / Act: the default app
      const settings = stageMethodSettings(defaults.template);
      // Assess
      expect(settings.ThrottlingRateLimit).toBe(10);
      expect(settings.ThrottlingBurstLimit).toBe(20);
    });

    it('follows throttleRateLimit and throttleBurstLimit, as -c strings or cdk.json numbers', () => {
      // Prepare / Act
      const fromCli = stageMethodSettings(synthContext({ throttleRateLimit: '2.5', throttleBurstLimit: '5' }).template);
      const fromJson = stageMethodSettings(synthContext({ throttleRateLimit: 40, throttleBurstLimit: 80 }).template);
      // Assess
      expect([fromCli.ThrottlingRateLimit, fromCli.ThrottlingBurstLimit]).toEqual([2.5, 5]);
      expect([fromJson.ThrottlingRateLimit, fromJson.ThrottlingBurstLimit]).toEqual([40, 80]);
    });

    it.each([
      ['throttleRateLimit', 'fast'],
      ['throttleRateLimit', '0'],
      ['throttleBurstLimit', '2.5'],
      ['throttleBurstLimit', ''],
      ['throttleBurstLimit', true],
    ])('refuses %s=%j, naming the option', (key, value) => {
      // Prepare / Act / Assess
      expect(() => synthContext({ [key]: value })).toThrow(`context ${key} must be`);
    });
  });

  describe('access logs', () => {
    it('go to a log group of their own, kept for a month', () => {
      // Prepare
      const { template } = defaults;
      // Act
      const destination = accessLogSetting(template).DestinationArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const logGroupId = destination?.['Fn::GetAtt']?.[0] ?? '';
      const functions = JSON.stringify(template.findResources('AWS::Lambda::Function'));
      // Assess
      expect(destination).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      expect(propertiesOf(template, 'AWS::Logs::LogGroup', logGroupId)).toEqual({ RetentionInDays: 30 });
      expect(functions).not.toContain(`"${logGroupId}"`);
    });

    it('are one JSON object per request with the fields an investigation and the alarms need', () => {
      // Prepare
      const format = accessLogSetting(defaults.template).Format ?? '';
      // Act
      const fields = JSON.parse(format) as unknown;
      // Assess
      expect(fields).toEqual({
        requestId: '$context.requestId',
        requestTime: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        resourcePath: '$context.resourcePath',
        status: '$context.status',
        responseLatency: '$context.responseLatency',
        integrationStatus: '$context.integration.status',
        errorResponseType: '$context.error.responseType',
        integrationError: '$context.integration.error',
      });
    });

    it('never log a header or a body', () => {
      // Prepare / Act
      const format = accessLogSetting(defaults.template).Format ?? '';
      // Assess
      expect(format).not.toMatch(/header|body|authorization|\$input/i);
    });
  });

  describe('execution logging', () => {
    it('is off by default, and data tracing is off', () => {
      // Prepare / Act
      const settings = stageMethodSettings(defaults.template);
      // Assess
      expect(settings.LoggingLevel).toBe('OFF');
      expect(settings.DataTraceEnabled).toBe(false);
    });

    it('is at ERROR with apiExecutionLogging=true, never with request data', () => {
      // Prepare / Act
      const settings = stageMethodSettings(synthContext({ apiExecutionLogging: 'true' }).template);
      // Assess
      expect(settings.LoggingLevel).toBe('ERROR');
      expect(settings.DataTraceEnabled).toBe(false);
      expect(() => synthContext({ apiExecutionLogging: 'yes' })).toThrow('context apiExecutionLogging must be true or false');
    });

    it('go, when on, to the group API Gateway writes them to, created by the stack with retention', () => {
      // Prepare
      const { template } = synthContext({ apiExecutionLogging: 'true' });
      const apiId = onlyLogicalId(template, 'AWS::ApiGateway::RestApi');
      const stageId = onlyLogicalId(template, 'AWS::ApiGateway::Stage');
      // Act
      const groupId = onlyLogicalId(template, 'AWS::Logs::LogGroup', {
        Properties: { LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: apiId }, '/v1']] } },
      });
      const stage = (template.findResources('AWS::ApiGateway::Stage') as Record<string, { DependsOn?: string[] }>)[stageId];
      // Assess: the stage waits for the group, so API Gateway never creates one without retention
      expect(propertiesOf(template, 'AWS::Logs::LogGroup', groupId).RetentionInDays).toBe(30);
      expect(stage?.DependsOn).toContain(groupId);
      expect(JSON.stringify(defaults.template.toJSON())).not.toContain('API-Gateway-Execution-Logs');
    });

    it.each([{}, { apiExecutionLogging: 'true' }])('never changes the account settings (context %j)', (context) => {
      // Prepare / Act
      const { template } = synthContext(context);
      const roles = Object.values(template.findResources('AWS::IAM::Role') as Resources);
      // Assess: no account-wide API Gateway logging role, no role API Gateway may assume
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(JSON.stringify(roles)).not.toContain('apigateway.amazonaws.com');
    });
  });
});
