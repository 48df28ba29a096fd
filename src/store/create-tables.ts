import { CreateTableCommand, type DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from './dynamo-client';
import { TABLE_DEFINITIONS, type TableDefinition } from './table-definitions';

/** Creates a table from its shared definition (local runtime and tests; the stack uses CDK). */
export async function createTable(client: DynamoDBClient, definition: TableDefinition, tableName: string): Promise<void> {
  const keyNames = new Set([definition.partitionKey, definition.sortKey, ...definition.indexes.flatMap((index) => [index.partitionKey, index.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ],
      ...(definition.indexes.length > 0 && {
        GlobalSecondaryIndexes: definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  if (definition.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
      }),
    );
  }
}

export type TableNames = Record<TableDefinition['envVar'], string>;

/** Every table's name: the prefix, then its id (`lumos-rules`, ...). */
export function tableNames(prefix: string): TableNames {
  return Object.fromEntries(TABLE_DEFINITIONS.map((table) => [table.envVar, `${prefix}${table.id}`])) as TableNames;
}

/**
 * Creates every table under `prefix` at a DynamoDB (Local) endpoint, in parallel: the local
 * runtime, the tests and the bench all start here. Tables that already exist are kept.
 */
export async function createTables(endpoint: string, prefix: string): Promise<TableNames> {
  const names = tableNames(prefix);
  const client = createDynamoClient(endpoint);
  try {
    await Promise.all(
      TABLE_DEFINITIONS.map((definition) =>
        createTable(client, definition, names[definition.envVar]).catch((error: unknown) => {
          if (!(error instanceof ResourceInUseException)) throw error;
        }),
      ),
    );
  } finally {
    client.destroy();
  }
  return names;
}
