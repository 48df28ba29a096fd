/**
 * `--stack NAME`: the table names from the stack's outputs and who is calling from STS, through
 * the real SDK clients against loopback CloudFormation and STS endpoints and DynamoDB Local.
 */

import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLumosRules } from '../../../src/cli/rules/program';
import { type AwsQueryServer, startAwsQueryServer } from '../../support/aws-query-server';
import { recordingIo } from '../../support/recording-io';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const ROOT = join(__dirname, '..', '..', '..');
const ARN = 'arn:aws:sts::123456789012:assumed-role/RulesAdmin/alice';
const ENV = [
  'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

let aws: AwsQueryServer;
let tables: TableNames;
const saved: Record<string, string | undefined> = {};

async function lumosRules(args: string[]) {
  const io = recordingIo(ROOT);
  const code = await runLumosRules(args, io, '0.0.0-test');
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  let endpoint: string;
  ({ endpoint, tables } = await createTestTables());
  aws = await startAwsQueryServer(
    {
      LumosWebhooks: {
        RulesTableName: tables.RULES_TABLE,
        AuditTableName: tables.AUDIT_TABLE,
        StateTableName: tables.STATE_TABLE,
        GrantsTableName: tables.GRANTS_TABLE,
      },
    },
    ARN,
  );
  for (const name of ENV) saved[name] = process.env[name];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.endpoint,
    AWS_ENDPOINT_URL_STS: aws.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await aws.close();
});

describe('against a deployed stack', () => {
  it('plans against the tables the stack names, with the replay from its audit table', async () => {
    // Act
    const planned = await lumosRules(['plan', 'rules', '--stack', 'LumosWebhooks', '--json']);
    // Assess
    expect(planned.code).toBe(0);
    const report = JSON.parse(planned.out);
    expect(report).toMatchObject({
      table: tables.RULES_TABLE,
      where: 'stack LumosWebhooks',
      rules: { added: ['demo_app/ledger-grants', 'demo_app/oncall-preapprove', 'demo_app/security-awareness-required'] },
    });
    expect(report.replay).toMatchObject({ days: 7, summary: { calls: 0 } });
  });

  it('records who applied: the given name and the caller ARN from STS', async () => {
    // Act
    const applied = await lumosRules(['apply', 'rules', '--stack', 'LumosWebhooks', '--yes', '--by', 'alice@example.com']);
    // Assess
    expect(applied.code).toBe(0);
    const item = await testDocumentClient().send(new GetCommand({ TableName: tables.RULES_TABLE, Key: { app_id: 'demo_app', rule_id: 'oncall-preapprove' } }));
    expect(item.Item).toMatchObject({ updated_by: `alice@example.com (${ARN})` });
    expect(aws.actions).toContain('GetCallerIdentity');
  });

  it('says in one line that a stack does not exist, exit 1', async () => {
    // Act
    const run = await lumosRules(['plan', 'rules', '--stack', 'NoSuchStack']);
    // Assess
    expect(run).toMatchObject({ code: 1, err: 'lumos-rules: stack NoSuchStack not found (check --stack and the region: --region or AWS_REGION)\n' });
  });
});
