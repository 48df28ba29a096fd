/**
 * DynamoDB and Secrets Manager calls end on time when the endpoint stalls, whatever the garbage
 * collector does meanwhile: the production clients, pointed at a loopback server that accepts
 * every request and never answers. (The SDK keeps a plain timeout signal alive while it listens
 * to it; these keep it so now that the calls run under src/kernel/timed-call.ts.)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { DeadlineExceededError } from '../../../src/kernel/errors';
import { SecretsManagerConnectorSecrets } from '../../../src/provisioners/connector-secrets';
import { storeCall } from '../../../src/store/call';
import { createDocumentClient } from '../../../src/store/dynamo-client';
import { queryAll } from '../../../src/store/query-all';
import { createSecretsManagerClient } from '../../../src/store/secret-reader';
import { collectGarbage, type StallingServer, startStallingServer } from '../../support/stalling-server';

/** Below the clients' own 2 s socket timeout, so only the deadline can end the call. */
const BUDGET_MS = 1_000;
const SLACK_MS = 750;
const TEST_TIMEOUT_MS = 8_000;

let server: StallingServer;
beforeAll(async () => {
  server = await startStallingServer('silent');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: server.origin,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterAll(() => server.close());

/** Starts `call`, forces a collection once the server has the request, and times the whole. */
async function collectedWhileWaiting(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const arrived = server.nextRequest();
  const started = Date.now();
  const ending = call().then(
    () => undefined,
    (error: unknown) => error,
  );
  await arrived;
  collectGarbage();
  const error = await ending;
  return { error, elapsedMs: Date.now() - started };
}

describe('a stalled AWS endpoint', () => {
  it(
    'a DynamoDB call ends as deadline_exceeded within its budget, after a forced collection',
    async () => {
      // Prepare
      const documents = createDocumentClient(server.origin);

      // Act
      const { error, elapsedMs } = await collectedWhileWaiting(() =>
        storeCall('reading the grants ledger', new Deadline(BUDGET_MS), (abortSignal) =>
          documents.send(new GetCommand({ TableName: 'grants', Key: { app_instance: 'a', subject_permission: 'b' } }), { abortSignal }),
        ),
      );

      // Assess
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a DynamoDB query of many pages ends as deadline_exceeded within its budget, after a forced collection',
    async () => {
      // Prepare
      const documents = createDocumentClient(server.origin);

      // Act
      const { error, elapsedMs } = await collectedWhileWaiting(() =>
        queryAll(
          documents,
          { TableName: 'state', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'oncall#x' } },
          'reading shifts',
          new Deadline(BUDGET_MS),
        ),
      );

      // Assess
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a Secrets Manager read ends as deadline_exceeded within its budget, after a forced collection',
    async () => {
      // Prepare
      const secrets = new SecretsManagerConnectorSecrets(createSecretsManagerClient(), 'lumos-connectors/');

      // Act
      const { error, elapsedMs } = await collectedWhileWaiting(() => secrets.get('lumos-connectors/licence', new Deadline(BUDGET_MS)));

      // Assess
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );
});
