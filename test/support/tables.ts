/** Fresh, uniquely named tables per test file on the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
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

/** Every audit item about one person, through the table's `by_subject` index, as an admin would query it. */
export async function auditItemsOf(auditTable: string, subject: string): Promise<Record<string, unknown>[]> {
  const { Items } = await testDocumentClient().send(
    new QueryCommand({ TableName: auditTable, IndexName: 'by_subject', KeyConditionExpression: 'subject = :s', ExpressionAttributeValues: { ':s': subject } }),
  );
  return Items ?? [];
}
