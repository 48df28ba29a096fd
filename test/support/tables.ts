/** Fresh, uniquely named tables per test file on the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createTable } from '../../src/store/create-tables';
import { createDocumentClient, createDynamoClient } from '../../src/store/dynamo-client';
import { TABLE_DEFINITIONS, type TableDefinition } from '../../src/store/table-definitions';

export type TableNames = Record<TableDefinition['envVar'], string>;

export async function createTestTables(): Promise<{ endpoint: string; tables: TableNames; prefix: string }> {
  const endpoint = inject('dynamoEndpoint');
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  const client = createDynamoClient(endpoint);
  const tables = {} as TableNames;
  await Promise.all(
    TABLE_DEFINITIONS.map(async (definition) => {
      tables[definition.envVar] = `${prefix}${definition.id}`;
      await createTable(client, definition, tables[definition.envVar]);
    }),
  );
  client.destroy();
  return { endpoint, tables, prefix };
}

export function testDocumentClient() {
  return createDocumentClient(inject('dynamoEndpoint'));
}
