/**
 * `lumos-state check` against DynamoDB Local: the seed's state is clean; items the functions
 * cannot read or find (keys not normalised, times that do not parse, a shift without an end, an
 * `email` not the key's person) are each listed with why, and the exit code is 1.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { lumosState, scratchFolder } from '../../support/state-cli';
import { testDocumentClient } from '../../support/tables';

let deployment: TestDeployment;
let local: string[];
const scratch = scratchFolder();
const put = (Item: Record<string, unknown>) => testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item }));

beforeAll(async () => {
  deployment = await testDeployment('check-command-token-0123456789', { seeded: true });
  local = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
});

afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));

describe('lumos-state check', () => {
  it('finds nothing wrong in the seed', async () => {
    // Act
    const run = await lumosState(['check', ...local], scratch.dir);
    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^0 state items the functions cannot read or find, of \d+ items in /);
  });

  it('lists each item the functions cannot read or find, with why, and exits 1', async () => {
    // Prepare
    await put({ pk: 'oncall#s', sk: 'Mixed@Lumos.com#2026-12-01T09:00:00.000Z', starts_at: '2026-12-01T09:00:00.000Z', ends_at: '2026-12-01T17:00:00.000Z' });
    await put({ pk: 'oncall#s', sk: 'noend@lumos.com#2026-12-01T09:00:00.000Z', starts_at: '2026-12-01T09:00:00.000Z' });
    await put({ pk: 'oncall#s', sk: 'badtime@lumos.com#2026-12-01T09:00:00.000Z', starts_at: '1 Dec 2026 9am', ends_at: '2026-12-01T17:00:00Z' });
    await put({
      pk: 'oncall#s',
      sk: 'who@lumos.com#2026-12-01T09:00:00.000Z',
      email: 'other@lumos.com',
      starts_at: '2026-12-01T09:00:00Z',
      ends_at: '2026-12-01T17:00:00Z',
    });
    await put({
      pk: 'oncall#s',
      sk: 'pasted@lumos.com#2026-12-01T09:00:00.000Z',
      starts_at: '2026-12-01T09:00:00Z',
      ends_at: '2026-12-01T17:00:00Z',
      source: null,
    });
    await put({ pk: 'training#Ann@lumos.com', sk: 'c', completed_at: '2026-01-01T00:00:00Z' });
    await put({ pk: 'training#ben@lumos.com', sk: 'c', completed_at: '2026-01-01T00:00:00Z', expires_at: 'never' });
    // Act
    const run = await lumosState(['check', ...local], scratch.dir);
    const json = await lumosState(['check', '--json', ...local], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('sk holds "Mixed@Lumos.com", not normalised ("mixed@lumos.com"): the functions cannot find it');
    expect(run.out).toContain('a shift without an end (no ends_at)');
    expect(run.out).toContain('starts_at "1 Dec 2026 9am" is not an ISO-8601 instant with a zone');
    expect(run.out).toContain('email "other@lumos.com" is not the person its key names');
    expect(run.out).toContain('pk holds "Ann@lumos.com", not normalised');
    expect(run.out).toContain('expires_at "never" is not an ISO-8601 instant with a zone');
    expect(run.out).toContain('source is not text: no source covers it');
    expect(run.out).toContain('7 state items the functions cannot read or find');
    expect(JSON.parse(json.out)).toMatchObject({ with_problems: 7 });
  });
});
