import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookStack, type WebhookStackProps } from '../../lib/webhook-stack';
import { AUDIT_TABLE, RULES_TABLE, STATE_TABLE, TABLE_DEFINITIONS, type TableDefinition } from '../../src/store/table-definitions';

/** Synthesizes the stack without running esbuild (bundling is skipped for every stack). */
function synth(props: WebhookStackProps = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new WebhookStack(app, 'Test', props));
}

type Resources = Record<string, { Properties?: Record<string, unknown> }>;

function onlyLogicalId(template: Template, type: string, props: object = {}): string {
  const ids = Object.keys(template.findResources(type, props));
  expect(ids, `exactly one ${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0] as string;
}

function tableLogicalId(template: Template, definition: TableDefinition): string {
  return onlyLogicalId(template, 'AWS::DynamoDB::GlobalTable', {
    Properties: {
      KeySchema: [
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ],
    },
  });
}

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Every (action, resource) pair the function's role is allowed, as sorted `action on resource` strings. */
function grantedPairs(template: Template): string[] {
  const roleId = onlyLogicalId(template, 'AWS::IAM::Role');
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources).filter((policy) =>
    JSON.stringify(policy.Properties?.['Roles']).includes(`"${roleId}"`),
  );
  const pairs: string[] = [];
  for (const policy of policies) {
    const document = policy.Properties?.['PolicyDocument'] as { Statement: Record<string, unknown>[] };
    for (const statement of document.Statement) {
      expect(statement['Effect']).toBe('Allow');
      const actions = [statement['Action']].flat() as string[];
      const resources = [statement['Resource']].flat();
      for (const action of actions) for (const resource of resources) pairs.push(`${action} on ${JSON.stringify(resource)}`);
    }
  }
  return pairs.sort();
}

describe('WebhookStack', () => {
  let created: Template;
  let imported: Template;

  beforeAll(() => {
    created = synth();
    imported = synth({ tokenSecretName: 'lumos/webhook-token', authHeader: 'x-lumos-token' });
  });

  describe('API', () => {
    it('is one regional REST API with a v1 stage', () => {
      // Prepare / Act: the default stack
      // Assess
      created.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      created.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
      created.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
      created.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    it('routes POST /pre-approval to the function as a Lambda proxy', () => {
      // Prepare
      const functionId = onlyLogicalId(created, 'AWS::Lambda::Function');
      // Act
      const resourceId = onlyLogicalId(created, 'AWS::ApiGateway::Resource', { Properties: { PathPart: 'pre-approval' } });
      // Assess
      created.resourceCountIs('AWS::ApiGateway::Method', 1);
      created.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        ResourceId: { Ref: resourceId },
        Integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: { 'Fn::Join': ['', Match.arrayWith([arnOf(functionId)])] },
        },
      });
      created.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: arnOf(functionId),
      });
    });
  });

  describe('function', () => {
    it('runs Node 24 on arm64 with 512 MB and a timeout inside Lumos\'s 15 s', () => {
      // Prepare / Act: the default stack
      const fn = Object.values(created.findResources('AWS::Lambda::Function') as Resources)[0]?.Properties;
      // Assess
      expect(fn?.['Runtime']).toBe('nodejs24.x');
      expect(fn?.['Architectures']).toEqual(['arm64']);
      expect(fn?.['MemorySize']).toBe(512);
      expect(fn?.['Timeout']).toBeLessThanOrEqual(10);
      expect(fn?.['Handler']).toBe('index.handler');
    });

    it('logs JSON to its own log group kept for a month', () => {
      // Prepare
      const logGroupId = onlyLogicalId(created, 'AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } });
      // Act / Assess
      created.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
      });
    });

    it('gets exactly the settings it needs: table names, auth header, secret id', () => {
      // Prepare
      const secretId = onlyLogicalId(created, 'AWS::SecretsManager::Secret');
      // Act
      const expected = {
        AUTH_HEADER: 'authorization',
        TOKEN_SECRET_ID: { Ref: secretId },
        RULES_TABLE: { Ref: tableLogicalId(created, RULES_TABLE) },
        STATE_TABLE: { Ref: tableLogicalId(created, STATE_TABLE) },
        AUDIT_TABLE: { Ref: tableLogicalId(created, AUDIT_TABLE) },
      };
      // Assess
      created.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectEquals(expected) } });
    });

    it('takes the auth header and an imported secret\'s name from the props', () => {
      // Prepare / Act: the stack with tokenSecretName and authHeader
      // Assess
      imported.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ AUTH_HEADER: 'x-lumos-token', TOKEN_SECRET_ID: 'lumos/webhook-token' }) },
      });
    });
  });

  describe('tables', () => {
    it('creates exactly the tables of the shared definitions', () => {
      // Prepare / Act: the default stack
      // Assess
      expect(TABLE_DEFINITIONS.map((definition) => definition.id)).toEqual(['rules', 'state', 'audit']);
      created.resourceCountIs('AWS::DynamoDB::GlobalTable', 3);
      created.resourceCountIs('AWS::DynamoDB::Table', 0);
    });

    it.each(TABLE_DEFINITIONS.map((definition) => [definition.id, definition] as const))(
      '%s: keys, TTL, indexes, on-demand, point-in-time recovery, retained',
      (_id, definition) => {
        // Prepare
        const logicalId = tableLogicalId(created, definition);
        // Act
        const table = created.findResources('AWS::DynamoDB::GlobalTable')[logicalId] as {
          Properties: Record<string, unknown>;
          DeletionPolicy: string;
          UpdateReplacePolicy: string;
        };
        // Assess
        expect(table.Properties['BillingMode']).toBe('PAY_PER_REQUEST');
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        expect(table.Properties['TimeToLiveSpecification']).toEqual(
          definition.ttlAttribute === undefined ? undefined : { AttributeName: definition.ttlAttribute, Enabled: true },
        );
        expect(table.Properties['Replicas']).toEqual([
          expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ]);
        const indexes = (table.Properties['GlobalSecondaryIndexes'] ?? []) as unknown[];
        expect(indexes).toEqual(
          definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        );
        const keys = new Set([definition.partitionKey, definition.sortKey, ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
        expect(table.Properties['AttributeDefinitions']).toEqual(
          [...keys].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        );
      },
    );

    it('keeps the audit trail queryable by subject and time', () => {
      // Prepare / Act: the default stack
      // Assess: concrete names, so a change to the definitions is a deliberate one
      created.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: 'app_id', KeyType: 'HASH' },
          { AttributeName: 'at', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'by_subject',
            KeySchema: [
              { AttributeName: 'subject', KeyType: 'HASH' },
              { AttributeName: 'at', KeyType: 'RANGE' },
            ],
          }),
        ],
      });
    });
  });

  describe('least privilege', () => {
    it('grants pre-approval reads of rules and state, appends to audit and reads the created secret, nothing else', () => {
      // Prepare
      const secretId = onlyLogicalId(created, 'AWS::SecretsManager::Secret');
      const rules = arnOf(tableLogicalId(created, RULES_TABLE));
      const state = arnOf(tableLogicalId(created, STATE_TABLE));
      const audit = arnOf(tableLogicalId(created, AUDIT_TABLE));
      // Act
      const pairs = grantedPairs(created);
      // Assess
      expect(pairs).toEqual(
        [
          `dynamodb:GetItem on ${JSON.stringify(rules)}`,
          `dynamodb:Query on ${JSON.stringify(rules)}`,
          `dynamodb:GetItem on ${JSON.stringify(state)}`,
          `dynamodb:Query on ${JSON.stringify(state)}`,
          `dynamodb:PutItem on ${JSON.stringify(audit)}`,
          `secretsmanager:GetSecretValue on ${JSON.stringify({ Ref: secretId })}`,
        ].sort(),
      );
    });

    it('never allows wildcard actions, scans, batch writes, updates or deletes', () => {
      // Prepare
      const forbidden = /\*|Scan|BatchWrite|UpdateItem|DeleteItem|DescribeSecret/;
      // Act
      const actions = [...grantedPairs(created), ...grantedPairs(imported)].map((pair) => pair.split(' on ')[0]);
      // Assess
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => forbidden.test(action ?? ''))).toEqual([]);
    });

    it('lets the function only append to the audit table', () => {
      // Prepare
      const audit = JSON.stringify(arnOf(tableLogicalId(created, AUDIT_TABLE)));
      // Act
      const onAudit = grantedPairs(created).filter((pair) => pair.includes(audit));
      // Assess
      expect(onAudit).toEqual([`dynamodb:PutItem on ${audit}`]);
    });

    it('attaches no inline policies to the role beyond the explicit statements', () => {
      // Prepare / Act
      const role = Object.values(created.findResources('AWS::IAM::Role') as Resources)[0]?.Properties;
      // Assess
      expect(role?.['Policies']).toBeUndefined();
      created.resourceCountIs('AWS::IAM::Policy', 1);
    });
  });

  describe('token secret', () => {
    it('is created with a 48-character generated value when no name is given', () => {
      // Prepare / Act: the default stack
      // Assess
      created.resourceCountIs('AWS::SecretsManager::Secret', 1);
      created.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
      });
    });

    it('is imported by name, readable only through its suffixed ARN, when a name is given', () => {
      // Prepare / Act: the stack with tokenSecretName
      const secretPairs = grantedPairs(imported).filter((pair) => pair.startsWith('secretsmanager:'));
      // Assess
      imported.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(secretPairs).toHaveLength(1);
      expect(secretPairs[0]).toMatch(/^secretsmanager:GetSecretValue on .*:secretsmanager:.*:secret:lumos\/webhook-token-\?\?\?\?\?\?"/);
    });
  });

  describe('outputs', () => {
    it('give the webhook URL, the secret and every table name', () => {
      // Prepare
      const outputs = created.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
      const apiId = onlyLogicalId(created, 'AWS::ApiGateway::RestApi');
      // Act
      const url = JSON.stringify(outputs['PreApprovalUrl']?.Value);
      // Assess
      expect(url).toContain(`{"Ref":"${apiId}"}`);
      expect(url).toMatch(/"\/pre-approval"\]\]\}$/);
      expect(outputs['TokenSecretId']?.Value).toEqual({ Ref: onlyLogicalId(created, 'AWS::SecretsManager::Secret') });
      expect(outputs['RulesTableName']?.Value).toEqual({ Ref: tableLogicalId(created, RULES_TABLE) });
      expect(outputs['StateTableName']?.Value).toEqual({ Ref: tableLogicalId(created, STATE_TABLE) });
      expect(outputs['AuditTableName']?.Value).toEqual({ Ref: tableLogicalId(created, AUDIT_TABLE) });
      expect((imported.toJSON()['Outputs'] as Record<string, { Value: unknown }>)['TokenSecretId']?.Value).toBe(
        'lumos/webhook-token',
      );
    });

    it('never carry a secret value', () => {
      // Prepare / Act
      const outputs = JSON.stringify([created.toJSON()['Outputs'], imported.toJSON()['Outputs']]);
      // Assess
      expect(outputs).not.toMatch(/resolve:secretsmanager|SecretString|secretsmanager:.*:SecretString/i);
    });
  });

  describe('prebundled code', () => {
    let dist: string;

    beforeAll(() => {
      dist = mkdtempSync(path.join(tmpdir(), 'webhook-dist-'));
    });

    afterAll(() => {
      rmSync(dist, { recursive: true, force: true });
    });

    it('deploys dist/<kind>/index.js with the same function settings', () => {
      // Prepare
      mkdirSync(path.join(dist, 'pre-approval'), { recursive: true });
      writeFileSync(path.join(dist, 'pre-approval', 'index.js'), 'exports.handler = async () => ({ statusCode: 204 });\n');
      // Act
      const template = synth({ prebundledDir: dist });
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 10,
      });
      expect(grantedPairs(template)).toEqual(grantedPairs(created));
    });

    it('says to run the build when a bundle is missing', () => {
      // Prepare
      const empty = mkdtempSync(path.join(dist, 'empty-'));
      // Act / Assess
      expect(() => synth({ prebundledDir: empty })).toThrow(/pre-approval\/index\.js not found: run `npm run build`/);
    });
  });
});
