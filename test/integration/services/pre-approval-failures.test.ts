/** Whatever fails, pre-approval answers NOT_PREAPPROVED in time: the request goes to a human. */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/app/config';
import { createDependencies } from '../../../src/app/dependencies';
import { PRE_APPROVAL } from '../../../src/app/functions/pre-approval';
import { buildPipeline, lambdaHandler } from '../../../src/app/lambda';
import { logger } from '../../../src/kernel/logger';
import { seed } from '../../../src/local/seed';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { DynamoRuleSource } from '../../../src/store/rule-source';
import { preApprovalBody, proxyEvent, webhookRequest } from '../../support/events';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const TOKEN = 'failure-token-0123456789';
let endpoint: string;
let tables: TableNames;

function pipelineWith(overrides: Record<string, string> = {}, dynamoEndpoint = endpoint) {
  const deps = createDependencies(loadConfig({ ...tables, LUMOS_WEBHOOK_TOKEN: TOKEN, ...overrides }), dynamoEndpoint);
  return { deps, run: buildPipeline(deps, new PreApprovalService(deps)) };
}

beforeAll(async () => {
  ({ endpoint, tables } = await createTestTables());
  await seed(testDocumentClient(), { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
});

describe('pre-approval when something fails', () => {
  it('answers NOT_PREAPPROVED when DynamoDB is unreachable', async () => {
    const { run } = pipelineWith({}, 'http://127.0.0.1:9');
    const reply = await run(webhookRequest(preApprovalBody(), TOKEN));
    expect(reply).toEqual({ statusCode: 200, body: { response: 'NOT_PREAPPROVED', reason: 'store_unavailable' } });
  });

  describe('with a DynamoDB that accepts connections and never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('answers NOT_PREAPPROVED when the deadline passes, not later', async () => {
      // Prepare
      const { run } = pipelineWith({ DEADLINE_MS: '300' }, `http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      const started = Date.now();
      // Act
      const reply = await run(webhookRequest(preApprovalBody(), TOKEN));
      // Assess
      expect(reply).toEqual({ statusCode: 200, body: { response: 'NOT_PREAPPROVED', reason: 'deadline_exceeded' } });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  it('answers NOT_PREAPPROVED while a rule item in scope is invalid, naming it', async () => {
    // Prepare: a deny rule with a typo must not be ignored, or access would widen.
    await testDocumentClient().send(
      new PutCommand({
        TableName: tables.RULES_TABLE,
        Item: { app_id: 'demo_app', rule_id: 'broken-deny', kind: 'pre_approval', effect: 'deny', when: { oncall: { schedule: 'x' } } },
      }),
    );
    const { run } = pipelineWith();
    try {
      // Act
      const reply = await run(webhookRequest(preApprovalBody(), TOKEN));
      // Assess
      expect(reply.body).toMatchObject({ response: 'NOT_PREAPPROVED', rule_id: 'broken-deny', reason: 'rule broken-deny is invalid' });
    } finally {
      await testDocumentClient().send(
        new PutCommand({ TableName: tables.RULES_TABLE, Item: { app_id: 'demo_app', rule_id: 'broken-deny', kind: 'pre_approval', enabled: false } }),
      );
    }
    // Disabling the broken item is enough to restore service during an incident.
    expect((await pipelineWith().run(webhookRequest(preApprovalBody(), TOKEN))).body).toMatchObject({ response: 'PREAPPROVED' });
  });

  it('does not pre-approve when the approval cannot be audited', async () => {
    const { run } = pipelineWith({ AUDIT_TABLE: 'no-such-table' });
    const reply = await run(webhookRequest(preApprovalBody(), TOKEN));
    expect(reply.body).toEqual({ response: 'NOT_PREAPPROVED', reason: 'audit_unavailable' });
  });

  it('answers NOT_PREAPPROVED, with the reason in the logs only, when the function is misconfigured', async () => {
    // Prepare: no table names, no token source in the environment.
    const saved = { ...process.env };
    for (const name of ['RULES_TABLE', 'STATE_TABLE', 'AUDIT_TABLE', 'TOKEN_SECRET_ID', 'LUMOS_WEBHOOK_TOKEN']) delete process.env[name];
    const lines: string[] = [];
    logger.setLogLevel('ERROR');
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const handler = lambdaHandler(PRE_APPROVAL);
      // Act
      const result = await handler(proxyEvent(JSON.stringify(preApprovalBody()), { authorization: `Bearer ${TOKEN}` }));
      // Assess
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ response: 'NOT_PREAPPROVED' });
      expect(lines.join('')).toContain('invalid configuration: TOKEN_SECRET_ID: set TOKEN_SECRET_ID (in AWS) or LUMOS_WEBHOOK_TOKEN (locally)');
    } finally {
      spy.mockRestore();
      logger.setLogLevel('SILENT');
      process.env = saved;
    }
  });
});

describe('rule cache', () => {
  it('serves cached rules until the cache expires, then the admin edit is live', async () => {
    // Prepare
    const clock = { now: 0 };
    const client = testDocumentClient();
    await client.send(
      new PutCommand({ TableName: tables.RULES_TABLE, Item: { app_id: 'cache_app', rule_id: 'r1', kind: 'pre_approval', effect: 'allow', when: { all: [] } } }),
    );
    const source = new DynamoRuleSource(client, tables.RULES_TABLE, 15_000, () => clock.now);
    const { Deadline } = await import('../../../src/kernel/deadline');
    const enabled = async () => {
      const entries = await source.rulesFor('cache_app', new Deadline(5_000));
      const entry = entries.find((item) => item.valid && item.rule.rule_id === 'r1');
      return entry?.valid ? entry.rule.enabled : undefined;
    };
    expect(await enabled()).toBe(true);
    // Act: the admin disables the rule.
    await client.send(
      new PutCommand({
        TableName: tables.RULES_TABLE,
        Item: { app_id: 'cache_app', rule_id: 'r1', kind: 'pre_approval', effect: 'allow', when: { all: [] }, enabled: false },
      }),
    );
    clock.now = 14_999;
    const stillCached = await enabled();
    clock.now = 15_000;
    const afterExpiry = await enabled();
    // Assess
    expect(stillCached).toBe(true);
    expect(afterExpiry).toBe(false);
  });
});
