/** DynamoDB Local with the project's tables and demo seed, as `npm start` has them. */
import { freePort, startDynamoDbLocal, type RunningDynamoDb } from '../../src/local/dynamodb-local';
import { seed } from '../../src/local/seed';
import { createTable } from '../../src/store/create-tables';
import { createDocumentClient, createDynamoClient } from '../../src/store/dynamo-client';
import { TABLE_DEFINITIONS } from '../../src/store/table-definitions';
import { TABLE_NAMES } from './env';

export async function startSeededDynamoDb(): Promise<RunningDynamoDb> {
  const dynamo = await startDynamoDbLocal(await freePort());
  try {
    const admin = createDynamoClient(dynamo.endpoint);
    for (const definition of TABLE_DEFINITIONS) await createTable(admin, definition, TABLE_NAMES[definition.envVar]);
    admin.destroy();
    const documents = createDocumentClient(dynamo.endpoint);
    await seed(documents, { rules: TABLE_NAMES.RULES_TABLE, state: TABLE_NAMES.STATE_TABLE }, new Date());
    documents.destroy();
    return dynamo;
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}
