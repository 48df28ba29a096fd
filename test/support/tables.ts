/** Fresh, uniquely named tables per test file on the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createTables, type TableNames } from '../../src/store/create-tables';
import { createDocumentClient } from '../../src/store/dynamo-client';

export type { TableNames } from '../../src/store/create-tables';

export async function createTestTables(): Promise<{ endpoint: string; tables: TableNames; prefix: string }> {
  const endpoint = inject('dynamoEndpoint');
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  return { endpoint, tables: await createTables(endpoint, prefix), prefix };
}

export function testDocumentClient() {
  return createDocumentClient(inject('dynamoEndpoint'));
}
