/**
 * The bundle Lambda runs (dist/<kind>/index.js as `npm run build` makes it, with the unused
 * credential providers left out): credentials from the environment as in Lambda, the token
 * through Secrets Manager (loopback), rules and state in DynamoDB Local.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandlers } from '../../../scripts/build';
import type { LambdaHandler } from '../../../src/app/lambda';
import { seed } from '../../../src/local/seed';
import { preApprovalBody, proxyEvent } from '../../support/events';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { createTestTables, testDocumentClient } from '../../support/tables';

const TOKEN = 'bundle-token-0123456789';
let fake: FakeSecretsManager;
let handler: LambdaHandler;

beforeAll(async () => {
  // Prepare: build, then load the bundle with a Lambda-like environment.
  const outdir = mkdtempSync(join(tmpdir(), 'bundle-'));
  await buildHandlers(outdir);
  fake = await startFakeSecretsManager();
  fake.secrets.set('bundle-token', TOKEN);
  const { endpoint, tables } = await createTestTables();
  await seed(testDocumentClient(), { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
  Object.assign(process.env, tables, {
    TOKEN_SECRET_ID: 'bundle-token',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bundletest',
    AWS_SECRET_ACCESS_KEY: 'bundletest',
    AWS_SESSION_TOKEN: 'bundletest',
  });
  ({ handler } = require(join(outdir, 'pre-approval', 'index.js')) as { handler: LambdaHandler });
});
afterAll(() => fake.close());

describe('built pre-approval bundle', () => {
  it('answers the seeded demo both ways', async () => {
    const call = (body: unknown) => handler(proxyEvent(JSON.stringify(body), { authorization: `Bearer ${TOKEN}` }));
    const approved = await call(preApprovalBody());
    const refused = await call(preApprovalBody({ email: 'maryjane@lumos.com' }));
    expect(JSON.parse(approved.body)).toMatchObject({ response: 'PREAPPROVED' });
    expect(JSON.parse(refused.body)).toMatchObject({ response: 'NOT_PREAPPROVED', reason: 'no allow rule matched' });
  });
});
