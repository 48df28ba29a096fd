/**
 * `lumos-state import-training` against DynamoDB Local, run as the program runs it: valid rows
 * written as hand-written records recording who imported them, rejected rows listed with line,
 * value and reason (exit 1), `--dry-run` writing nothing, a synced record left alone, and an
 * imported completion letting a request through the real request-validation pipeline.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { trainingItem } from '../../../src/store/training-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { lumosState, partitionItems, scratchFolder } from '../../support/state-cli';
import { testDocumentClient } from '../../support/tables';

const ROOT = join(__dirname, '..', '..', '..');
const TOKEN = 'import-training-token-0123456789';
const DAY = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();
let deployment: TestDeployment;
let local: string[];
const scratch = scratchFolder();

const recordsOf = (email: string) => partitionItems(deployment.tables.STATE_TABLE, `training#${email}`);

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  local = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('lumos-state import-training', () => {
  it('writes the valid rows, lists each rejected row with its line, value and reason, and exits 1', async () => {
    // Prepare
    const file = scratch.write(
      'lms.csv',
      '\uFEFFEmail,Completed_At,Expires_At\r\n' +
        ` Ann@Lumos.com ,${iso(-10)},${iso(355)}\r\n` +
        `ben@lumos.com,${iso(-3)},\r\n` +
        `not-an-email,${iso(-3)},\r\n` +
        `cat@lumos.com,yesterday,\r\n` +
        `dan@lumos.com,${iso(2)},\r\n` +
        `eve@lumos.com,${iso(-3)},${iso(-4)}\r\n` +
        `"=cmd|' /C calc'!A0",${iso(-3)},\r\n`,
    );
    // Act
    const run = await lumosState(['import-training', file, '--course', 'security-awareness', '--by', 'admin@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('Wrote 2 training records of security-awareness');
    expect(run.out).toContain('Rejected 5 rows (not written):');
    expect(run.out).toContain('line 4: "not-an-email": not an email address: no "@"');
    expect(run.out).toContain('line 5: "yesterday": completed_at is not an ISO-8601 time with a zone');
    expect(run.out).toContain('completed_at is in the future');
    expect(run.out).toContain('expires_at is not after completed_at');
    expect(run.out).toContain('line 8: "=cmd|\' /C calc\'!A0": not an email address: it starts like a spreadsheet formula');
    expect(await recordsOf('ann@lumos.com')).toEqual([
      expect.objectContaining({ sk: 'security-awareness', email: 'ann@lumos.com', imported_by: 'admin@lumos.com', expires_at: expect.any(String) }),
    ]);
    expect((await recordsOf('ben@lumos.com'))[0]).not.toHaveProperty('expires_at');
    expect((await recordsOf('ben@lumos.com'))[0]).not.toHaveProperty('source');
  });

  it('with --dry-run prints what would be written and writes nothing', async () => {
    // Prepare
    const file = scratch.write('dry-lms.csv', `email,completed_at\nfay@lumos.com,${iso(-1)}\n`);
    // Act
    const run = await lumosState(['import-training', file, '--course', 'c', '--dry-run', '--by', 'a@lumos.com', '--json', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ dry_run: true, written: [{ line: 2, email: 'fay@lumos.com', expires_at: null }], rejected: [] });
    expect(await recordsOf('fay@lumos.com')).toEqual([]);
  });

  it('leaves a synced record alone and rejects that row; refuses a wrong header (exit 2)', async () => {
    // Prepare
    const synced = trainingItem('gus@lumos.com', 'c', new Date(iso(-5)), { origin: { source: 'kb4', syncedAt: new Date() } });
    await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: { ...synced } }));
    const file = scratch.write('synced.csv', `email,completed_at\ngus@lumos.com,${iso(-1)}\n`);
    const wrongHeader = scratch.write('wrong.csv', `email,starts_at,ends_at\ngus@lumos.com,${iso(-1)},${iso(1)}\n`);
    // Act
    const run = await lumosState(['import-training', file, '--course', 'c', '--by', 'a@lumos.com', ...local], scratch.dir);
    const wrong = await lumosState(['import-training', wrongHeader, '--course', 'c', '--by', 'a@lumos.com', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('source kb4 synced this record; the sync keeps it current');
    expect(await recordsOf('gus@lumos.com')).toEqual([expect.objectContaining({ source: 'kb4', completed_at: synced.completed_at })]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^error: wrong\.csv: the header row must be email,completed_at,\[expires_at\]/);
  });

  it('an imported completion lets the request through the real request-validation pipeline', async () => {
    // Prepare
    const rule = parse(readFileSync(join(ROOT, 'rules', 'security-awareness-required.yaml'), 'utf8')) as Record<string, unknown>;
    await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: rule }));
    const file = scratch.write('peter.csv', `email,completed_at\nPeterParker@lumos.com,${iso(-30)}\n`);
    const request = () =>
      deployment.pipeline((deps) => new RequestValidationService(deps, 'closed', deps.config.VALIDATION_MISCONFIGURED_MESSAGE))(
        webhookRequest(fixture('pre-approval.json'), TOKEN),
      );
    const before = await request();
    // Act
    const run = await lumosState(['import-training', file, '--course', 'security-awareness', '--by', 'a@lumos.com', ...local], scratch.dir);
    const after = await request();
    // Assess
    expect(run.code).toBe(0);
    expect(before.body?.response).toBe('VALIDATION_FAILED');
    expect(after.body?.response).toBe('VALIDATION_PASSED');
  });
});
