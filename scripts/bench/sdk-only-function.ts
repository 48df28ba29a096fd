/**
 * The floor every function's load is measured against: a bundle holding only the two AWS
 * clients each function must load anyway, the DynamoDB document client and the Secrets Manager
 * client, created at module scope with the functions' options (src/store/dynamo-client.ts, the
 * Secrets Manager reader), and the commands the functions send. Built with the functions'
 * esbuild settings (scripts/bench/bundles.ts); never deployed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

const requestHandler = { connectionTimeout: 1_000, requestTimeout: 2_000 };
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3, requestHandler }), { marshallOptions: { removeUndefinedValues: true } });
const secrets = new SecretsManagerClient({ maxAttempts: 2, requestHandler });

/** Reads a secret, queries, gets and puts an item: what a function's call does, minus everything else. */
export async function handler(event: { secretId: string; table: string; key: string }): Promise<void> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: event.secretId }));
  await documents.send(new QueryCommand({ TableName: event.table, KeyConditionExpression: 'pk = :key', ExpressionAttributeValues: { ':key': event.key } }));
  await documents.send(new GetCommand({ TableName: event.table, Key: { pk: event.key } }));
  await documents.send(new PutCommand({ TableName: event.table, Item: { pk: event.key, secret: secret.SecretString } }));
}
