/**
 * The deployed handler modules publish their metrics: an invalid rule in scope, a provisioning
 * rule that cannot run, a function that is misconfigured. Rules in DynamoDB Local; the metrics
 * are read back from the lines the container's EMF writer produces.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { LambdaHandler } from '../../../src/app/lambda';
import { type PublishedMetric, readEmf } from '../../support/emf';
import { fixture, proxyEvent } from '../../support/events';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const TOKEN = 'metrics-token-0123456789';
const APP = 'metrics_app';
const NAMESPACE = 'LumosWebhooks/MetricsTest';
let tables: TableNames;
const lines: string[] = [];

/** The handler modules as Lambda loads them, with the container's metrics writing to `lines`. */
async function loadHandlers(): Promise<{ preApproval: LambdaHandler; provisioning: LambdaHandler }> {
  vi.resetModules();
  const { metrics } = await import('../../../src/audit/call-metrics');
  metrics.setSink((line) => lines.push(line));
  const preApproval = (await import('../../../src/handlers/pre-approval')).handler;
  const provisioning = (await import('../../../src/handlers/provisioning')).handler;
  return { preApproval, provisioning };
}

const published = (): PublishedMetric[] => lines.flatMap(readEmf);
const counted = () => published().map((metric) => [metric.name, metric.value, metric.dimensionSets.at(-1)]);

function call(handler: LambdaHandler, body: Record<string, unknown>) {
  return handler(proxyEvent(JSON.stringify(body), { Authorization: `Bearer ${TOKEN}` }));
}

const forApp = (name: string): Record<string, unknown> => {
  const body = fixture(name);
  return { ...body, application: { ...(body.application as object), app_id: APP } };
};

beforeAll(async () => {
  const created = await createTestTables();
  tables = created.tables;
  const client = testDocumentClient();
  // A deny rule whose effect is misspelt, and a provisioning rule without a provisioner.
  for (const Item of [
    { app_id: APP, rule_id: 'broken-deny', kind: 'pre_approval', effect: 'deny-always', when: { all: [] } },
    { app_id: APP, rule_id: 'broken-provisioner', kind: 'provisioning' },
  ]) {
    await client.send(new PutCommand({ TableName: tables.RULES_TABLE, Item }));
  }
  for (const [name, value] of Object.entries({
    ...tables,
    LUMOS_WEBHOOK_TOKEN: TOKEN,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    METRICS_NAMESPACE: NAMESPACE,
  })) {
    vi.stubEnv(name, value);
  }
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});
beforeEach(() => {
  lines.length = 0;
});

describe('metrics from the handlers', () => {
  it('count an invalid rule in scope of a pre-approval, which answers NOT_PREAPPROVED', async () => {
    // Prepare
    const { preApproval } = await loadHandlers();
    // Act
    const result = await call(preApproval, forApp('pre-approval.json'));
    // Assess
    expect(JSON.parse(result.body)).toMatchObject({ response: 'NOT_PREAPPROVED' });
    expect(counted()).toEqual([
      ['InvalidRulesInScope', 1, { kind: 'pre_approval' }],
      ['Decisions', 1, { kind: 'pre_approval', outcome: 'NOT_PREAPPROVED' }],
    ]);
    expect(new Set(published().map((metric) => metric.namespace))).toEqual(new Set([NAMESPACE]));
  });

  it('count a provisioning rule that cannot run as an invalid rule and a failure without a target system', async () => {
    // Prepare
    const { provisioning } = await loadHandlers();
    // Act
    const result = await call(provisioning, forApp('provisioning.json'));
    // Assess
    expect(result.statusCode).toBe(502);
    expect(counted()).toEqual([
      ['InvalidRulesInScope', 1, { kind: 'provisioning' }],
      ['ProvisioningFailures', 1, { kind: 'provisioning', system: 'none' }],
      ['Decisions', 1, { kind: 'provisioning', outcome: 'PROVISIONING_FAILED' }],
    ]);
  });

  it('count every call of a misconfigured function as a failure', async () => {
    // Prepare
    vi.stubEnv('LUMOS_WEBHOOK_TOKEN', '');
    const { preApproval } = await loadHandlers();
    vi.stubEnv('LUMOS_WEBHOOK_TOKEN', TOKEN);
    // Act
    const result = await call(preApproval, forApp('pre-approval.json'));
    // Assess
    expect(JSON.parse(result.body)).toEqual({ response: 'NOT_PREAPPROVED' });
    expect(counted()).toEqual([
      ['Failures', 1, { kind: 'pre_approval', reason: 'misconfigured' }],
      ['Decisions', 1, { kind: 'pre_approval', outcome: 'NOT_PREAPPROVED' }],
    ]);
  });
});
