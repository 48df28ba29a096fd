import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_FUNCTIONS } from '../../src/app/functions';
import { TABLE_DEFINITIONS } from '../../src/store/table-definitions';
import {
  functionProperties,
  logGroupLogicalId,
  onlyLogicalId,
  ownLogPairs,
  pair,
  propertiesOf,
  type Resources,
  roleLogicalId,
  type Synthesized,
  synthContext,
  tableLogicalId,
} from './stack-template';

const KINDS: readonly string[] = WEBHOOK_FUNCTIONS.map((webhook) => webhook.slug);

/** Every (action, resource) pair in every statement of every policy attached to the role, sorted. */
function rolePairs({ template }: Synthesized, roleId: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources).filter((policy) =>
    JSON.stringify(policy.Properties?.['Roles']).includes(`{"Ref":"${roleId}"}`),
  );
  return policies
    .flatMap((policy) => (policy.Properties?.['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement)
    .flatMap((statement) =>
      [statement['Action']].flat().flatMap((action) => [statement['Resource']].flat().map((resource) => pair(String(action), resource))),
    )
    .sort();
}

/** The stage's one method setting (every method of every route). */
function stageMethodSettings(template: Template): Record<string, unknown> {
  const stage = propertiesOf(template, 'AWS::ApiGateway::Stage', onlyLogicalId(template, 'AWS::ApiGateway::Stage'));
  const settings = stage['MethodSettings'] as Record<string, unknown>[] | undefined;
  expect(settings).toHaveLength(1);
  const all = settings?.[0] ?? {};
  expect(all).toEqual(expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*' }));
  return all;
}

function accessLogSetting(template: Template): { DestinationArn?: unknown; Format?: string } {
  const stage = propertiesOf(template, 'AWS::ApiGateway::Stage', onlyLogicalId(template, 'AWS::ApiGateway::Stage'));
  return (stage['AccessLogSetting'] ?? {}) as { DestinationArn?: unknown; Format?: string };
}

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
      expect(settings['ThrottlingRateLimit']).toBe(10);
      expect(settings['ThrottlingBurstLimit']).toBe(20);
    });

    it('follows throttleRateLimit and throttleBurstLimit, as -c strings or cdk.json numbers', () => {
      // Prepare / Act
      const fromCli = stageMethodSettings(synthContext({ throttleRateLimit: '2.5', throttleBurstLimit: '5' }).template);
      const fromJson = stageMethodSettings(synthContext({ throttleRateLimit: 40, throttleBurstLimit: 80 }).template);
      // Assess
      expect([fromCli['ThrottlingRateLimit'], fromCli['ThrottlingBurstLimit']]).toEqual([2.5, 5]);
      expect([fromJson['ThrottlingRateLimit'], fromJson['ThrottlingBurstLimit']]).toEqual([40, 80]);
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
      expect(settings['LoggingLevel']).toBe('OFF');
      expect(settings['DataTraceEnabled']).toBe(false);
    });

    it('is at ERROR with apiExecutionLogging=true, never with request data', () => {
      // Prepare / Act
      const settings = stageMethodSettings(synthContext({ apiExecutionLogging: 'true' }).template);
      // Assess
      expect(settings['LoggingLevel']).toBe('ERROR');
      expect(settings['DataTraceEnabled']).toBe(false);
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
      expect(propertiesOf(template, 'AWS::Logs::LogGroup', groupId)['RetentionInDays']).toBe(30);
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
      expect(acl['Scope']).toBe('REGIONAL');
      expect(acl['DefaultAction']).toEqual({ Allow: {} });
      expect(acl['Rules']).toEqual([
        expect.objectContaining({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', EvaluationWindowSec: 300, Limit: 300 } },
        }),
      ]);
      expect(association['WebACLArn']).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      const stageArn = JSON.stringify(association['ResourceArn']);
      expect(stageArn).toContain(`":apigateway:"`);
      expect(stageArn).toContain(`{"Ref":"${apiId}"}`);
      expect(stageArn).toContain(`"/stages/",{"Ref":"${stageId}"}`);
    });

    it('follows wafRateLimit within WAF\'s bounds', () => {
      // Prepare / Act
      const { template } = synthContext({ waf: true, wafRateLimit: 1000 });
      // Assess
      const acl = propertiesOf(template, 'AWS::WAFv2::WebACL', onlyLogicalId(template, 'AWS::WAFv2::WebACL'));
      expect(acl['Rules']).toEqual([
        expect.objectContaining({ Statement: { RateBasedStatement: expect.objectContaining({ Limit: 1000 }) } }),
      ]);
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

describe('function hardening', () => {
  let defaults: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
  });

  describe('reserved concurrency', () => {
    it.each(KINDS)('%s: reserves none by default (new accounts cannot reserve any)', (kind) => {
      // Prepare / Act
      const fn = functionProperties(defaults, kind);
      // Assess
      expect(fn).not.toHaveProperty('ReservedConcurrentExecutions');
    });

    it('reserves reservedConcurrency for every function', () => {
      // Prepare
      const synthesized = synthContext({ reservedConcurrency: '5' });
      // Act
      const reserved = KINDS.map((kind) => functionProperties(synthesized, kind)['ReservedConcurrentExecutions']);
      // Assess
      expect(reserved).toEqual(KINDS.map(() => 5));
    });

    it.each(['0', '-1', '1.5', 'many'])('refuses reservedConcurrency=%s', (value) => {
      // Prepare / Act / Assess
      expect(() => synthContext({ reservedConcurrency: value })).toThrow('context reservedConcurrency must be a whole number from 1');
    });
  });

  describe('execution roles', () => {
    it.each(KINDS)('%s: has a role only Lambda may assume, with no managed or inline policy', (kind) => {
      // Prepare
      const roleId = roleLogicalId(defaults, kind);
      // Act
      const role = propertiesOf(defaults.template, 'AWS::IAM::Role', roleId);
      // Assess
      expect(role['AssumeRolePolicyDocument']).toEqual({
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
      expect(role).not.toHaveProperty('ManagedPolicyArns');
      expect(role).not.toHaveProperty('Policies');
    });

    it.each(KINDS)('%s: may add log streams and events to its own log group, and no other logging', (kind) => {
      // Prepare
      const roleId = roleLogicalId(defaults, kind);
      // Act
      const logging = rolePairs(defaults, roleId).filter((granted) => granted.startsWith('logs:'));
      // Assess
      expect(logging).toEqual(ownLogPairs(defaults, kind).sort());
      expect(logging.join('\n')).toContain(`{"Fn::GetAtt":["${logGroupLogicalId(defaults, kind)}","Arn"]}`);
    });

    it('gives no function a log group but its own', () => {
      // Prepare
      const logGroups = KINDS.map((kind) => logGroupLogicalId(defaults, kind));
      // Act
      const grantedGroups = KINDS.map((kind) =>
        logGroups.filter((logGroupId) => rolePairs(defaults, roleLogicalId(defaults, kind)).join('\n').includes(`"${logGroupId}"`)),
      );
      // Assess
      expect(new Set(logGroups).size).toBe(KINDS.length);
      expect(grantedGroups).toEqual(logGroups.map((logGroupId) => [logGroupId]));
    });

    it('attach no AWS managed policy anywhere in the stack', () => {
      // Prepare / Act
      const template = JSON.stringify(defaults.template.toJSON());
      // Assess
      expect(template).not.toContain('ManagedPolicyArns');
      expect(template).not.toContain('AWSLambdaBasicExecutionRole');
      defaults.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });
  });
});

describe('data protection', () => {
  let defaults: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
  });

  /** One table's resource, with its policies. */
  function tableResource(id: string): { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string } {
    const definition = TABLE_DEFINITIONS.find((candidate) => candidate.id === id);
    if (definition === undefined) throw new Error(`no table ${id}`);
    const logicalId = tableLogicalId(defaults.template, definition);
    return defaults.template.findResources('AWS::DynamoDB::GlobalTable')[logicalId] as ReturnType<typeof tableResource>;
  }

  it('covers the four tables', () => {
    // Prepare / Act / Assess
    expect(TABLE_DEFINITIONS.map((definition) => definition.id).sort()).toEqual(['audit', 'grants', 'rules', 'state']);
  });

  it.each(TABLE_DEFINITIONS.map((definition) => definition.id))(
    '%s: deletion protection, point-in-time recovery, retained with the stack gone or replaced',
    (id) => {
      // Prepare / Act
      const table = tableResource(id);
      const replicas = table.Properties['Replicas'] as Record<string, unknown>[];
      // Assess
      expect(replicas).toHaveLength(1);
      expect(replicas[0]).toEqual(
        expect.objectContaining({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    },
  );

  it.each(TABLE_DEFINITIONS.map((definition) => definition.id))('%s: encrypted at rest with the AWS managed KMS key, on demand', (id) => {
    // Prepare / Act
    const table = tableResource(id);
    const replicas = table.Properties['Replicas'] as Record<string, unknown>[];
    // Assess: KMS without a key of the stack's own is aws/dynamodb
    expect(table.Properties['SSESpecification']).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(JSON.stringify(replicas)).not.toContain('KMSMasterKeyId');
    expect(table.Properties['BillingMode']).toBe('PAY_PER_REQUEST');
    defaults.template.resourceCountIs('AWS::KMS::Key', 0);
  });

  /** The TTL attribute each table must expire items by, written out: rules never expire. */
  const EXPECTED_TTL: Readonly<Record<string, string | undefined>> = { rules: undefined, state: 'ttl', audit: 'ttl', grants: 'ttl' };

  it.each(Object.entries(EXPECTED_TTL))('%s: expires items by TTL attribute %j', (id, ttlAttribute) => {
    // Prepare / Act
    const ttl = tableResource(id).Properties['TimeToLiveSpecification'];
    // Assess
    expect(ttl).toEqual(ttlAttribute === undefined ? undefined : { AttributeName: ttlAttribute, Enabled: true });
  });
});

describe('outputs', () => {
  let created: Synthesized;
  let imported: Synthesized;

  beforeAll(() => {
    created = synthContext();
    imported = synthContext({ tokenSecretName: 'lumos/webhook-token' });
  });

  function outputsOf({ template }: Synthesized): Record<string, { Value: unknown; Description?: string }> {
    return template.toJSON()['Outputs'] as Record<string, { Value: unknown; Description?: string }>;
  }

  const URLS = ['PreApprovalUrl', 'RequestValidationUrl', 'ProvisioningUrl', 'DeprovisioningUrl'];
  const TABLE_NAMES = ['RulesTableName', 'StateTableName', 'AuditTableName', 'GrantsTableName'];

  it('are the four URLs, the secret (id, name, ARN), the command that reads the token, and the table names', () => {
    // Prepare / Act
    const names = Object.keys(outputsOf(created));
    // Assess
    expect(names.sort()).toEqual(
      [...URLS, ...TABLE_NAMES, 'TokenSecretId', 'TokenSecretName', 'TokenSecretArn', 'ReadTokenCommand'].sort(),
    );
  });

  it('give the created secret\'s ARN and its name, taken from the ARN', () => {
    // Prepare
    const secretId = onlyLogicalId(created.template, 'AWS::SecretsManager::Secret');
    const outputs = outputsOf(created);
    // Act
    const name = JSON.stringify(outputs['TokenSecretName']?.Value);
    // Assess
    expect(outputs['TokenSecretArn']?.Value).toEqual({ Ref: secretId });
    expect(name).toContain(`{"Fn::Split":[":",{"Ref":"${secretId}"}]}`);
    expect(name).toMatch(/^\{"Fn::Join":\["-",/);
  });

  it('give the command that prints the token once, in the stack\'s region', () => {
    // Prepare
    const secretId = onlyLogicalId(created.template, 'AWS::SecretsManager::Secret');
    // Act
    const command = outputsOf(created)['ReadTokenCommand']?.Value;
    // Assess
    expect(command).toEqual({
      'Fn::Join': [
        '',
        [
          'aws secretsmanager get-secret-value --secret-id ',
          { Ref: secretId },
          ' --query SecretString --output text --region ',
          { Ref: 'AWS::Region' },
        ],
      ],
    });
  });

  it('with an imported secret, give its name, no ARN (its suffix is unknown), and a command by name', () => {
    // Prepare / Act
    const outputs = outputsOf(imported);
    // Assess
    expect(outputs['TokenSecretName']?.Value).toBe('lumos/webhook-token');
    expect(outputs).not.toHaveProperty('TokenSecretArn');
    expect(outputs['ReadTokenCommand']?.Value).toEqual({
      'Fn::Join': ['', ['aws secretsmanager get-secret-value --secret-id lumos/webhook-token --query SecretString --output text --region ', { Ref: 'AWS::Region' }]],
    });
  });

  it.each([
    ['created', () => created],
    ['imported', () => imported],
  ])('never contain the token (%s secret): only references to the secret, no dynamic reference to its value', (_name, synthesized) => {
    // Prepare
    const { template } = synthesized();
    const secretIds = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    // Act
    const outputs = JSON.stringify(outputsOf(synthesized()));
    // Assess
    expect(outputs).not.toContain('{{resolve:');
    expect(outputs).not.toMatch(/SecretString[:}]/);
    for (const secretId of secretIds) {
      expect(outputs).not.toContain(`"Fn::GetAtt":["${secretId}"`);
      expect(outputs.replaceAll(`{"Ref":"${secretId}"}`, '')).not.toContain(`"${secretId}"`);
    }
  });

  it('read a token with no characters a shell would interpret', () => {
    // Prepare
    const literalParts = JSON.stringify(outputsOf(created)['ReadTokenCommand']?.Value)
      .replaceAll(/\{"Ref":"[^"]+"\}/g, '')
      .replace(/^\{"Fn::Join":\["",\[/, '')
      .replace(/\]\]\}$/, '');
    // Act
    const secret = propertiesOf(created.template, 'AWS::SecretsManager::Secret', onlyLogicalId(created.template, 'AWS::SecretsManager::Secret'));
    // Assess: the command pastes as one line, and the token it prints is letters and digits only
    expect(literalParts).not.toMatch(/[;&|$`'()<>\\]/);
    expect(secret['GenerateSecretString']).toEqual(expect.objectContaining({ ExcludePunctuation: true }));
  });
});
