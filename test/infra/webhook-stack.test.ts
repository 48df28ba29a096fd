import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableAccess } from '../../src/app/function-spec';
import { pascalCase } from '../../lib/names';
import { WEBHOOK_FUNCTIONS } from '../../src/app/functions';
import {
  AUDIT_TABLE,
  GRANTS_TABLE,
  RULES_TABLE,
  STATE_TABLE,
  TABLE_DEFINITIONS,
  type TableDefinition,
} from '../../src/store/table-definitions';
import {
  arnOf,
  connectorSecretArn,
  functionLogicalId,
  functionProperties,
  grantedPairs,
  onlyLogicalId,
  ownLogPairs,
  pair,
  propertiesOf,
  type Resources,
  roleLogicalId,
  type Synthesized,
  synth,
  tableLogicalId,
  variablesOf,
} from './stack-template';

/** What one kind's function must get in the default stack. */
interface KindExpectation {
  /** Tables the function may touch, and how; a table not listed must be neither granted nor named to it. */
  readonly access: Readonly<Partial<Record<TableDefinition['id'], TableAccess>>>;
  /** Environment beyond AUTH_HEADER, TOKEN_SECRET_ID and the table names. */
  readonly environment: Readonly<Record<string, string>>;
  /** Reads connector secrets, and only those under the deployment's prefix (`<prefix>*`). */
  readonly connectorSecrets: boolean;
}

/**
 * The expectation per kind, written out here rather than read from the function specs' `tables`, so a wrong
 * table access in src/app/functions/ fails a test. Adding a function means adding its row here.
 */
const EXPECTED: Readonly<Record<string, KindExpectation>> = {
  'pre-approval': {
    access: { rules: 'read', state: 'read', audit: 'append' },
    environment: {},
    connectorSecrets: false,
  },
  'request-validation': {
    access: { rules: 'read', state: 'read', audit: 'append' },
    environment: { VALIDATION_FAIL_MODE: 'closed' },
    connectorSecrets: false,
  },
  provisioning: {
    access: { rules: 'read', grants: 'readWrite', audit: 'append' },
    environment: { CONNECTOR_SECRET_PREFIX: 'lumos-connectors/' },
    connectorSecrets: true,
  },
  deprovisioning: {
    access: { grants: 'readWrite', audit: 'append' },
    environment: { CONNECTOR_SECRET_PREFIX: 'lumos-connectors/' },
    connectorSecrets: true,
  },
};

/** The connector-secret prefix of a stack without `connectorSecretPrefix`. */
const DEFAULT_CONNECTOR_PREFIX = 'lumos-connectors/';

/** The DynamoDB actions each access level allows, and no more (the `grant*Data` helpers allow more). */
const ACTIONS = {
  read: ['dynamodb:Query'],
  append: ['dynamodb:PutItem'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
} as const satisfies Record<TableAccess, readonly string[]>;

const KINDS: readonly string[] = WEBHOOK_FUNCTIONS.map((webhook) => webhook.slug);
/** The kinds whose row reads connector secrets, and the others. */
const CONNECTOR_KINDS = KINDS.filter((kind) => EXPECTED[kind]?.connectorSecrets === true);
const OTHER_KINDS = KINDS.filter((kind) => EXPECTED[kind]?.connectorSecrets !== true);

function expectationOf(kind: string): KindExpectation {
  const expectation = EXPECTED[kind];
  if (expectation === undefined) throw new Error(`EXPECTED has no row for ${kind}`);
  return expectation;
}

/** Reading connector secrets under `prefix`, the one grant a kind with the flag gets for them. */
const connectorPair = (prefix: string): string => pair('secretsmanager:GetSecretValue', connectorSecretArn(prefix));

/**
 * The pairs a kind's expectation allows: its tables at their levels, reading the token secret at
 * `secretResource` and, with the flag, reading the connector secrets under `connectorPrefix`.
 */
function expectedPairs(
  template: Template,
  expectation: KindExpectation,
  secretResource: unknown,
  connectorPrefix: string = DEFAULT_CONNECTOR_PREFIX,
): string[] {
  const pairs = [pair('secretsmanager:GetSecretValue', secretResource)];
  if (expectation.connectorSecrets) pairs.push(connectorPair(connectorPrefix));
  for (const definition of TABLE_DEFINITIONS) {
    const level = expectation.access[definition.id];
    if (level === undefined) continue;
    const arn = arnOf(tableLogicalId(template, definition));
    // Reads may use the table's indexes, so an indexed table's reads also name its index ARNs.
    const resources: unknown[] =
      level === 'read' && definition.indexes.length > 0 ? [arn, { 'Fn::Join': ['', [arn, '/index/*']] }] : [arn];
    for (const action of ACTIONS[level]) for (const resource of resources) pairs.push(pair(action, resource));
  }
  return pairs.sort();
}

/** A regular expression matching `text` literally. */
const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function outputsOf(template: Template): Record<string, { Value: unknown }> {
  return template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
}

function functionIdsUsing(template: Template, property: string, value: unknown): string[] {
  return Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { [property]: value } }));
}

describe('WebhookStack', () => {
  let created: Synthesized;
  let imported: Synthesized;
  let acme: Synthesized;

  beforeAll(() => {
    created = synth();
    imported = synth({ tokenSecretName: 'lumos/webhook-token', authHeader: 'x-lumos-token' });
    acme = synth({ connectorSecretPrefix: 'acme/' });
  });

  /** Every synthesized variant with its connector-secret prefix, for the checks that hold in all of them. */
  const variants = (): [string, Synthesized, string][] => [
    ['default', created, DEFAULT_CONNECTOR_PREFIX],
    ['imported secret', imported, DEFAULT_CONNECTOR_PREFIX],
    ['acme/ prefix', acme, 'acme/'],
  ];

  describe('webhook kinds', () => {
    it('has an expectation row for every function in WEBHOOK_FUNCTIONS and none for a kind it lacks', () => {
      // Prepare / Act
      const rows = Object.keys(EXPECTED);
      // Assess
      expect(KINDS.length).toBeGreaterThan(0);
      expect(new Set(KINDS).size).toBe(KINDS.length);
      expect([...rows].sort()).toEqual([...KINDS].sort());
    });
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
      const routes = Object.values(created.template.findResources('AWS::ApiGateway::Resource') as Resources).map(
        (resource) => resource.Properties,
      );
      // Assess
      expect(routes.map((route) => route?.['PathPart']).sort()).toEqual([...KINDS].sort());
      for (const route of routes) expect(route?.['ParentId']).toEqual({ 'Fn::GetAtt': [apiId, 'RootResourceId'] });
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
        expect(permission).toEqual(
          expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }),
        );
        expect(JSON.stringify(permission?.['SourceArn'])).toMatch(new RegExp(`/POST/${literally(kind)}"\\]\\]\\}$`));
      }
    });
  });

  describe('functions', () => {
    it('are one per kind, each with its own role and log group', () => {
      // Prepare / Act
      const functionIds = KINDS.map((kind) => functionLogicalId(created, kind));
      const roleIds = KINDS.map((kind) => roleLogicalId(created, kind));
      const logGroups = KINDS.map((kind) => JSON.stringify(functionProperties(created, kind)['LoggingConfig']));
      // Assess
      created.template.resourceCountIs('AWS::Lambda::Function', KINDS.length);
      expect(new Set(functionIds).size).toBe(KINDS.length);
      expect(new Set(roleIds).size).toBe(KINDS.length);
      expect(new Set(logGroups).size).toBe(KINDS.length);
    });

    it.each(KINDS)('%s: runs Node 24 on arm64 with 512 MB and a timeout inside Lumos\'s 15 s', (kind) => {
      // Prepare / Act: the default stack
      const fn = functionProperties(created, kind);
      // Assess
      expect(fn['Runtime']).toBe('nodejs24.x');
      expect(fn['Architectures']).toEqual(['arm64']);
      expect(fn['MemorySize']).toBe(512);
      expect(fn['Timeout']).toBeGreaterThan(0);
      expect(fn['Timeout']).toBeLessThanOrEqual(10);
      expect(fn['Handler']).toBe('index.handler');
    });

    it.each(KINDS)('%s: logs JSON to its own log group kept for a month', (kind) => {
      // Prepare
      const { template } = created;
      const functionId = functionLogicalId(created, kind);
      // Act
      const loggingConfig = functionProperties(created, kind)['LoggingConfig'] as { LogGroup?: { Ref?: string } } | undefined;
      const logGroupId = loggingConfig?.LogGroup?.Ref ?? '';
      // Assess
      expect(loggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: logGroupId } });
      expect(propertiesOf(template, 'AWS::Logs::LogGroup', logGroupId)).toEqual({ RetentionInDays: 30 });
      expect(functionIdsUsing(template, 'LoggingConfig', Match.objectLike({ LogGroup: { Ref: logGroupId } }))).toEqual([
        functionId,
      ]);
    });

    it.each(KINDS)('%s: gets exactly the settings it needs: its table names, auth header, secret id', (kind) => {
      // Prepare
      const { template } = created;
      const expectation = expectationOf(kind);
      const tables = TABLE_DEFINITIONS.filter((definition) => expectation.access[definition.id] !== undefined);
      // Act
      const expected = {
        AUTH_HEADER: 'authorization',
        TOKEN_SECRET_ID: { Ref: onlyLogicalId(template, 'AWS::SecretsManager::Secret') },
        METRICS_NAMESPACE: 'LumosWebhooks/Test',
        ...Object.fromEntries(tables.map((definition) => [definition.envVar, { Ref: tableLogicalId(template, definition) }])),
        ...expectation.environment,
      };
      // Assess
      expect(functionProperties(created, kind)['Environment']).toEqual({ Variables: expected });
    });

    it.each(KINDS)('%s: takes the auth header and an imported secret\'s name from the props', (kind) => {
      // Prepare / Act: the stack with tokenSecretName and authHeader
      const variables = (functionProperties(imported, kind)['Environment'] as { Variables?: Record<string, unknown> })
        .Variables;
      // Assess
      expect(variables).toEqual(
        expect.objectContaining({ AUTH_HEADER: 'x-lumos-token', TOKEN_SECRET_ID: 'lumos/webhook-token' }),
      );
    });
  });

  describe('request validation fail mode', () => {
    it('is closed by default', () => {
      // Prepare / Act: the default stack
      // Assess
      expect(variablesOf(created, 'request-validation')['VALIDATION_FAIL_MODE']).toBe('closed');
    });

    it('is open when validationFailMode is open, with nothing else changed', () => {
      // Prepare
      const closed = variablesOf(created, 'request-validation');
      // Act
      const open = variablesOf(synth({ validationFailMode: 'open' }), 'request-validation');
      // Assess
      expect(open).toEqual({ ...closed, VALIDATION_FAIL_MODE: 'open' });
    });

    it('passes validationMisconfiguredMessage to request validation only, and nothing when unset', () => {
      // Prepare
      const closed = variablesOf(created, 'request-validation');
      // Act
      const stack = synth({ validationMisconfiguredMessage: 'Ask #access-help in Slack.' });
      // Assess
      expect(closed).not.toHaveProperty('VALIDATION_MISCONFIGURED_MESSAGE');
      expect(variablesOf(stack, 'request-validation')).toEqual({ ...closed, VALIDATION_MISCONFIGURED_MESSAGE: 'Ask #access-help in Slack.' });
      for (const kind of KINDS.filter((other) => other !== 'request-validation')) expect(variablesOf(stack, kind)).not.toHaveProperty('VALIDATION_MISCONFIGURED_MESSAGE');
    });

    it('is not given to pre-approval or any other kind, whatever the mode', () => {
      // Prepare
      const others = KINDS.filter((kind) => kind !== 'request-validation');
      // Act
      const stacks = [created, synth({ validationFailMode: 'open' }), synth({ validationFailMode: 'closed' })];
      // Assess
      expect(others).toContain('pre-approval');
      for (const stack of stacks) {
        for (const kind of others) expect(variablesOf(stack, kind)).not.toHaveProperty('VALIDATION_FAIL_MODE');
      }
    });
  });

  describe('tables', () => {
    it('creates exactly the tables of the shared definitions', () => {
      // Prepare / Act: the default stack
      // Assess
      expect(TABLE_DEFINITIONS.map((definition) => definition.id)).toEqual(['rules', 'state', 'audit', 'grants']);
      created.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 4);
      created.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    });

    it.each(TABLE_DEFINITIONS.map((definition) => [definition.id, definition] as const))(
      '%s: keys, TTL, indexes, on-demand, point-in-time recovery, retained',
      (_id, definition) => {
        // Prepare
        const logicalId = tableLogicalId(created.template, definition);
        // Act
        const table = created.template.findResources('AWS::DynamoDB::GlobalTable')[logicalId] as {
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
      created.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
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

    it('keeps the grants ledger keyed by app instance and subject permission, with a TTL and no index', () => {
      // Prepare
      const logicalId = tableLogicalId(created.template, GRANTS_TABLE);
      // Act
      const table = propertiesOf(created.template, 'AWS::DynamoDB::GlobalTable', logicalId);
      // Assess: concrete names, so a change to the definitions is a deliberate one
      expect(table['KeySchema']).toEqual([
        { AttributeName: 'app_instance', KeyType: 'HASH' },
        { AttributeName: 'subject_permission', KeyType: 'RANGE' },
      ]);
      expect(table['AttributeDefinitions']).toEqual([
        { AttributeName: 'app_instance', AttributeType: 'S' },
        { AttributeName: 'subject_permission', AttributeType: 'S' },
      ]);
      expect(table['TimeToLiveSpecification']).toEqual({ AttributeName: 'ttl', Enabled: true });
      expect(table['GlobalSecondaryIndexes']).toBeUndefined();
    });
  });

  describe('least privilege', () => {
    it('spells out the table matrix in actions', () => {
      // Prepare: a kind reading rules and appending to audit
      const rules = arnOf(tableLogicalId(created.template, RULES_TABLE));
      const audit = arnOf(tableLogicalId(created.template, AUDIT_TABLE));
      // Act
      const pairs = expectedPairs(
        created.template,
        { access: { rules: 'read', audit: 'append' }, environment: {}, connectorSecrets: false },
        'secret',
      );
      // Assess: the helper the per-kind tests rely on turns levels into exactly these actions
      expect(pairs).toEqual(
        [
          pair('dynamodb:Query', rules),
          pair('dynamodb:PutItem', audit),
          pair('secretsmanager:GetSecretValue', 'secret'),
        ].sort(),
      );
    });

    it('spells out read-write and connector secrets in actions', () => {
      // Prepare: a kind reading and writing grants, with connector secrets
      const grants = arnOf(tableLogicalId(created.template, GRANTS_TABLE));
      // Act
      const pairs = expectedPairs(
        created.template,
        { access: { grants: 'readWrite' }, environment: {}, connectorSecrets: true },
        'secret',
        'acme/',
      );
      // Assess: no Scan, BatchWrite or UpdateItem; the connector ARN is the prefix's and nothing broader
      expect(pairs).toEqual(
        [
          pair('dynamodb:GetItem', grants),
          pair('dynamodb:Query', grants),
          pair('dynamodb:PutItem', grants),
          pair('secretsmanager:GetSecretValue', 'secret'),
          `secretsmanager:GetSecretValue on {"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":secretsmanager:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":secret:acme/*"]]}`,
        ].sort(),
      );
    });

    it.each(KINDS)('%s: allows exactly its row of the matrix, reading the created secret and writing its own logs, nothing else', (kind) => {
      // Prepare
      const secretId = onlyLogicalId(created.template, 'AWS::SecretsManager::Secret');
      const expected = [...expectedPairs(created.template, expectationOf(kind), { Ref: secretId }), ...ownLogPairs(created, kind)].sort();
      // Act
      const pairs = grantedPairs(created, kind);
      // Assess
      expect(pairs).toEqual(expected);
    });

    it('never allows wildcard actions or resources, scans, batch writes or updates', () => {
      // Prepare
      const forbidden = /\*|Scan|BatchWrite|UpdateItem|DescribeSecret/;
      // Act
      const pairs = variants().flatMap(([, synthesized, prefix]) =>
        KINDS.flatMap((kind) =>
          // The one wildcard resource allowed: the connector secrets under the prefix, for a kind with the flag.
          grantedPairs(synthesized, kind).filter((granted) => !(expectationOf(kind).connectorSecrets && granted === connectorPair(prefix))),
        ),
      );
      const actions = pairs.map((granted) => granted.split(' on ')[0] ?? '');
      // Only a read of an indexed table may name `<table>/index/*`.
      const resources = pairs.map((granted) => granted.slice(granted.indexOf(' on ') + 4).replaceAll('/index/*"', '"'));
      // Assess
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => forbidden.test(action))).toEqual([]);
      expect(resources.filter((resource) => resource.includes('*'))).toEqual([]);
    });

    it('allows no DeleteItem to any function: removed grants are kept as state "removed" until their TTL', () => {
      for (const [variant, synthesized] of variants()) {
        // Act
        const deletes = KINDS.flatMap((kind) => grantedPairs(synthesized, kind).filter((granted) => /Delete/.test(granted.split(' on ')[0] ?? '')));
        // Assess
        expect(deletes, variant).toEqual([]);
      }
    });

    it('gives deprovisioning neither rules nor state: no grant on them, no table name for them', () => {
      for (const [variant, synthesized] of variants()) {
        // Prepare
        const untouched = [RULES_TABLE, STATE_TABLE].map((definition) => tableLogicalId(synthesized.template, definition));
        // Act
        const pairs = grantedPairs(synthesized, 'deprovisioning');
        const variables = variablesOf(synthesized, 'deprovisioning');
        // Assess
        for (const logicalId of untouched) {
          expect(pairs.filter((granted) => granted.includes(`"${logicalId}"`)), variant).toEqual([]);
          expect(JSON.stringify(variables), variant).not.toContain(`"${logicalId}"`);
        }
        expect(variables, variant).not.toHaveProperty('RULES_TABLE');
        expect(variables, variant).not.toHaveProperty('STATE_TABLE');
      }
    });

    it.each(KINDS)('%s: may never change or delete an audit record', (kind) => {
      // Prepare
      const appendOrRead = new Set<string>([...ACTIONS.append, ...ACTIONS.read]);
      for (const [variant, synthesized] of variants()) {
        const audit = JSON.stringify(arnOf(tableLogicalId(synthesized.template, AUDIT_TABLE)));
        // Act
        const onAudit = grantedPairs(synthesized, kind).filter((granted) => granted.includes(audit));
        // Assess
        expect(expectationOf(kind).access.audit).toBe('append');
        expect(onAudit.map((granted) => granted.split(' on ')[0]), variant).toContain('dynamodb:PutItem');
        expect(
          onAudit.map((granted) => granted.split(' on ')[0]).filter((action) => !appendOrRead.has(action ?? '')),
          variant,
        ).toEqual([]);
      }
    });

    it('attaches each role one policy of its own and no inline policies', () => {
      // Prepare
      const roleRefs = KINDS.map((kind) => ({ Ref: roleLogicalId(created, kind) }));
      // Act
      const roles = Object.values(created.template.findResources('AWS::IAM::Role') as Resources);
      const policies = Object.values(created.template.findResources('AWS::IAM::Policy') as Resources);
      // Assess
      expect(roles).toHaveLength(KINDS.length);
      for (const role of roles) expect(role.Properties?.['Policies']).toBeUndefined();
      expect(policies).toHaveLength(KINDS.length);
      expect(policies.map((policy) => policy.Properties?.['Roles'])).toEqual(
        expect.arrayContaining(roleRefs.map((ref) => [ref])),
      );
    });
  });

  describe('connector secrets', () => {
    it('are read by exactly the provisioning and deprovisioning kinds', () => {
      // Prepare / Act
      // Assess: the flag in the rows, written out, and the kinds it picks
      expect([...CONNECTOR_KINDS].sort()).toEqual(['deprovisioning', 'provisioning']);
      expect([...OTHER_KINDS].sort()).toEqual(['pre-approval', 'request-validation']);
    });

    it.each(CONNECTOR_KINDS)('%s: reads only secrets named lumos-connectors/* by default, told the prefix', (kind) => {
      // Prepare
      const tokenPair = pair('secretsmanager:GetSecretValue', { Ref: onlyLogicalId(created.template, 'AWS::SecretsManager::Secret') });
      // Act
      const secretPairs = grantedPairs(created, kind).filter((granted) => granted.startsWith('secretsmanager:'));
      const connector = secretPairs.filter((granted) => granted !== tokenPair);
      // Assess
      expect(secretPairs).toContain(tokenPair);
      expect(connector).toEqual([connectorPair('lumos-connectors/')]);
      expect(connector[0]).toMatch(/^secretsmanager:GetSecretValue on \{"Fn::Join":\["",\["arn:",.*":secret:lumos-connectors\/\*"\]\]\}$/);
      expect(connector[0]).toContain('{"Ref":"AWS::AccountId"}');
      expect(connector[0]).toContain('{"Ref":"AWS::Region"}');
      expect(variablesOf(created, kind)['CONNECTOR_SECRET_PREFIX']).toBe('lumos-connectors/');
    });

    it.each(OTHER_KINDS)('%s: reads no connector secret and is not told a prefix, whatever the prefix', (kind) => {
      for (const [variant, synthesized] of variants()) {
        // Prepare / Act
        const secretPairs = grantedPairs(synthesized, kind).filter((granted) => granted.startsWith('secretsmanager:'));
        // Assess: the token secret only
        expect(secretPairs, variant).toHaveLength(1);
        expect(secretPairs[0], variant).not.toMatch(/:secret:(lumos-connectors|acme)\/|\*/);
        expect(variablesOf(synthesized, kind), variant).not.toHaveProperty('CONNECTOR_SECRET_PREFIX');
      }
    });

    it.each(CONNECTOR_KINDS)('%s: follows connectorSecretPrefix in both the ARN and the environment, nothing else changed', (kind) => {
      // Prepare
      const defaultPairs = grantedPairs(created, kind);
      const defaultVariables = variablesOf(created, kind);
      // Act
      const pairs = grantedPairs(acme, kind);
      const variables = variablesOf(acme, kind);
      // Assess
      expect(pairs).toEqual(
        defaultPairs.map((granted) => (granted === connectorPair('lumos-connectors/') ? connectorPair('acme/') : granted)).sort(),
      );
      expect(pairs.filter((granted) => granted.endsWith(':secret:acme/*"]]}'))).toHaveLength(1);
      expect(pairs.join('\n')).not.toContain('lumos-connectors');
      expect(variables).toEqual({ ...defaultVariables, CONNECTOR_SECRET_PREFIX: 'acme/' });
      expect(pairs).toEqual(
        [
          ...expectedPairs(acme.template, expectationOf(kind), { Ref: onlyLogicalId(acme.template, 'AWS::SecretsManager::Secret') }, 'acme/'),
          ...ownLogPairs(acme, kind),
        ].sort(),
      );
    });

    it.each(OTHER_KINDS)('%s: is the same whatever connectorSecretPrefix', (kind) => {
      // Prepare / Act
      // Assess
      expect(grantedPairs(acme, kind)).toEqual(grantedPairs(created, kind));
      expect(variablesOf(acme, kind)).toEqual(variablesOf(created, kind));
    });
  });

  describe('token secret', () => {
    it('is created with a 48-character generated value when no name is given', () => {
      // Prepare / Act: the default stack
      // Assess
      created.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      created.template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
      });
    });

    it.each(KINDS)('%s: reads an imported secret only through its suffixed ARN', (kind) => {
      // Prepare
      const connector = expectationOf(kind).connectorSecrets ? [connectorPair(DEFAULT_CONNECTOR_PREFIX)] : [];
      // Act: the stack with tokenSecretName
      const secretPairs = grantedPairs(imported, kind).filter((granted) => granted.startsWith('secretsmanager:'));
      const tokenPairs = secretPairs.filter((granted) => !connector.includes(granted));
      // Assess
      imported.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(secretPairs).toHaveLength(1 + connector.length);
      expect(secretPairs).toEqual(expect.arrayContaining(connector));
      expect(tokenPairs).toHaveLength(1);
      expect(tokenPairs[0]).toMatch(/^secretsmanager:GetSecretValue on .*:secretsmanager:.*:secret:lumos\/webhook-token-\?\?\?\?\?\?"/);
    });

    it.each(KINDS)('%s: otherwise allows the same as with a created secret', (kind) => {
      // Prepare: everything but the token secret (the connector secrets stay in)
      const connector = connectorPair(DEFAULT_CONNECTOR_PREFIX);
      const withoutToken = (pairs: string[]) =>
        pairs.filter((granted) => !granted.startsWith('secretsmanager:') || granted === connector);
      // Act
      const pairs = withoutToken(grantedPairs(imported, kind));
      // Assess
      expect(pairs).toEqual(withoutToken(grantedPairs(created, kind)));
    });
  });

  describe('outputs', () => {
    it.each(KINDS)('%s: <Kind>Url is the stage URL ending in /<kind>', (kind) => {
      // Prepare
      const apiId = onlyLogicalId(created.template, 'AWS::ApiGateway::RestApi');
      const stageId = onlyLogicalId(created.template, 'AWS::ApiGateway::Stage');
      // Act
      const url = JSON.stringify(outputsOf(created.template)[`${pascalCase(kind)}Url`]?.Value);
      // Assess
      expect(url).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",/);
      expect(url).toContain(`{"Ref":"${apiId}"}`);
      expect(url).toContain(`{"Ref":"${stageId}"}`);
      expect(url).toMatch(new RegExp(`"/${literally(kind)}"\\]\\]\\}$`));
    });

    it('give one URL per kind, the secret and every table name', () => {
      // Prepare
      const outputs = outputsOf(created.template);
      // Act
      const urls = Object.keys(outputs).filter((name) => name.endsWith('Url'));
      // Assess
      expect(urls.sort()).toEqual(KINDS.map((kind) => `${pascalCase(kind)}Url`).sort());
      expect(outputs['TokenSecretId']?.Value).toEqual({ Ref: onlyLogicalId(created.template, 'AWS::SecretsManager::Secret') });
      expect(outputs['RulesTableName']?.Value).toEqual({ Ref: tableLogicalId(created.template, RULES_TABLE) });
      expect(outputs['StateTableName']?.Value).toEqual({ Ref: tableLogicalId(created.template, STATE_TABLE) });
      expect(outputs['AuditTableName']?.Value).toEqual({ Ref: tableLogicalId(created.template, AUDIT_TABLE) });
      expect(outputs['GrantsTableName']?.Value).toEqual({ Ref: tableLogicalId(created.template, GRANTS_TABLE) });
      expect(outputsOf(imported.template)['TokenSecretId']?.Value).toBe('lumos/webhook-token');
    });

    it('never carry a secret value', () => {
      // Prepare / Act
      const outputs = JSON.stringify([outputsOf(created.template), outputsOf(imported.template)]);
      // Assess
      // (ReadTokenCommand names SecretString as a CLI query; it never resolves it: test/infra/hardening.test.ts)
      expect(outputs).not.toMatch(/resolve:secretsmanager|secretsmanager:.*:SecretString/i);
    });
  });

  describe('prebundled code', () => {
    let dist: string;

    /** A fresh folder with `<kind>/index.js` for each of `kinds`, each bundle different. */
    function bundles(kinds: readonly string[]): string {
      const dir = mkdtempSync(path.join(dist, 'bundles-'));
      for (const kind of kinds) {
        mkdirSync(path.join(dir, kind), { recursive: true });
        writeFileSync(path.join(dir, kind, 'index.js'), `// ${kind}\nexports.handler = async () => ({ statusCode: 204 });\n`);
      }
      return dir;
    }

    beforeAll(() => {
      dist = mkdtempSync(path.join(tmpdir(), 'webhook-dist-'));
    });

    afterAll(() => {
      rmSync(dist, { recursive: true, force: true });
    });

    it('deploys dist/<kind>/index.js of every kind with the same function settings and grants', () => {
      // Prepare
      const dir = bundles(KINDS);
      // Act
      const prebundled = synth({ prebundledDir: dir });
      // Assess
      prebundled.template.resourceCountIs('AWS::Lambda::Function', KINDS.length);
      const codes = new Set<string>();
      for (const kind of KINDS) {
        const fn = functionProperties(prebundled, kind);
        expect(fn).toEqual(
          expect.objectContaining({ Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 10 }),
        );
        codes.add(JSON.stringify(fn['Code']));
        expect(grantedPairs(prebundled, kind)).toEqual(grantedPairs(created, kind));
      }
      expect(codes.size).toBe(KINDS.length);
    });

    it.each(KINDS)('says to run the build when the %s bundle is missing', (kind) => {
      // Prepare
      const dir = bundles(KINDS.filter((other) => other !== kind));
      // Act / Assess
      expect(() => synth({ prebundledDir: dir })).toThrow(`${path.join(dir, kind)}/index.js not found: run \`npm run build\``);
    });
  });
});
