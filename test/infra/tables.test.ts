/** The four tables (lib/tables.ts), built from the shared definitions: keys, indexes, TTL, on demand, encrypted, protected and retained. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRANTS_TABLE, TABLE_DEFINITIONS } from '../../src/store/table-definitions';
import { propertiesOf, type Resources, type Synthesized, synth, synthContext, tableLogicalId } from '../support/infra/stack-template';

describe('WebhookStack', () => {
  let created: Synthesized;

  beforeAll(() => {
    created = synth();
  });

  describe('tables', () => {
    it('creates exactly the tables of the shared definitions', () => {
      // Prepare / Act: the default stack's tables, and the one table found for each definition by its keys
      const tables = Object.keys(created.template.findResources('AWS::DynamoDB::GlobalTable'));
      const defined = TABLE_DEFINITIONS.map((definition) => tableLogicalId(created.template, definition));
      // Assess
      expect([...defined].sort()).toEqual([...tables].sort());
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
        expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        expect(table.Properties.TimeToLiveSpecification).toEqual(
          definition.ttlAttribute === undefined ? undefined : { AttributeName: definition.ttlAttribute, Enabled: true },
        );
        expect(table.Properties.Replicas).toEqual([expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })]);
        const indexes = (table.Properties.GlobalSecondaryIndexes ?? []) as unknown[];
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
        expect(table.Properties.AttributeDefinitions).toEqual([...keys].map((name) => ({ AttributeName: name, AttributeType: 'S' })));
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

    it('keeps the grants ledger keyed by app instance and subject permission, with a TTL and the index of grants due', () => {
      // Prepare
      const logicalId = tableLogicalId(created.template, GRANTS_TABLE);
      // Act
      const table = propertiesOf(created.template, 'AWS::DynamoDB::GlobalTable', logicalId);
      // Assess: concrete names, so a change to the definitions is a deliberate one
      expect(table.KeySchema).toEqual([
        { AttributeName: 'app_instance', KeyType: 'HASH' },
        { AttributeName: 'subject_permission', KeyType: 'RANGE' },
      ]);
      expect(table.AttributeDefinitions).toEqual([
        { AttributeName: 'app_instance', AttributeType: 'S' },
        { AttributeName: 'subject_permission', AttributeType: 'S' },
        { AttributeName: 'due_bucket', AttributeType: 'S' },
        { AttributeName: 'due_at', AttributeType: 'S' },
      ]);
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
      expect(table.GlobalSecondaryIndexes).toEqual([
        {
          IndexName: 'due',
          KeySchema: [
            { AttributeName: 'due_bucket', KeyType: 'HASH' },
            { AttributeName: 'due_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]);
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

  it('covers the four tables of the data model, by their keys', () => {
    // Prepare / Act: every table's partition and sort key, as the DynamoDB console shows them
    const keys = Object.values(defaults.template.findResources('AWS::DynamoDB::GlobalTable') as Resources).map((table) =>
      ((table.Properties?.KeySchema ?? []) as { AttributeName: string }[]).map((key) => key.AttributeName).join(' / '),
    );
    // Assess: rules, state, audit, grants (docs/architecture.md)
    expect(keys.sort()).toEqual(['app_id / at', 'app_id / rule_id', 'app_instance / subject_permission', 'pk / sk']);
  });

  it.each(TABLE_DEFINITIONS.map((definition) => definition.id))(
    '%s: deletion protection, point-in-time recovery, retained with the stack gone or replaced',
    (id) => {
      // Prepare / Act
      const table = tableResource(id);
      const replicas = table.Properties.Replicas as Record<string, unknown>[];
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
    const replicas = table.Properties.Replicas as Record<string, unknown>[];
    // Assess: KMS without a key of the stack's own is aws/dynamodb
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(JSON.stringify(replicas)).not.toContain('KMSMasterKeyId');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    defaults.template.resourceCountIs('AWS::KMS::Key', 0);
  });

  /** The TTL attribute each table must expire items by, written out: rules never expire. */
  const EXPECTED_TTL: Readonly<Record<string, string | undefined>> = { rules: undefined, state: 'ttl', audit: 'ttl', grants: 'ttl' };

  it.each(Object.entries(EXPECTED_TTL))('%s: expires items by TTL attribute %j', (id, ttlAttribute) => {
    // Prepare / Act
    const ttl = tableResource(id).Properties.TimeToLiveSpecification;
    // Assess
    expect(ttl).toEqual(ttlAttribute === undefined ? undefined : { AttributeName: ttlAttribute, Enabled: true });
  });
});
