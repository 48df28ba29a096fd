/** DynamoDB Local with the project's tables and demo seed, as `npm start` has them. */
import { freePort, type RunningDynamoDb, startDynamoDbLocal } from '../../src/local/dynamodb-local';
import { seed } from '../../src/local/seed';
import { createTables } from '../../src/store/create-tables';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { TABLE_NAMES, TABLE_PREFIX } from './env';

export async function startSeededDynamoDb(): Promise<RunningDynamoDb> {
  const dynamo = await startDynamoDbLocal(await freePort());
  try {
    await createTables(dynamo.endpoint, TABLE_PREFIX);
    const documents = createDocumentClient(dynamo.endpoint);
    await seed(documents, { rules: TABLE_NAMES.RULES_TABLE, state: TABLE_NAMES.STATE_TABLE }, new Date());
    documents.destroy();
    return dynamo;
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}
