/**
 * Where `lumos-state sync` and `sources` look for the sources' secrets: `lumos-sources/` against
 * DynamoDB Local (`--endpoint`), the stack's `SourceSecretPrefix` output with `--stack` (and
 * `LegacySourceSecretPrefix` while a deployment moves its secrets), `--source-prefix` over either;
 * `--connector-prefix`, its old name, still works with a warning. Through the real SDK clients
 * against loopback CloudFormation and Secrets Manager, an iCalendar feed and DynamoDB Local.
 */
import { rmSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SOURCES_PARTITION } from '../../../src/store/source-store';
import { type AwsQueryServer, startAwsQueryServer } from '../../support/aws-query-server';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { lumosState, scratchFolder } from '../../support/state-cli';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const HOUR = 3_600_000;
const stamp = (offsetHours: number) =>
  new Date(Date.now() + offsetHours * HOUR)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

let secretsManager: FakeSecretsManager;
let feed: IcsFeed;
let aws: AwsQueryServer;
let endpoint: string;
const scratch = scratchFolder();
/** One state table per stack the loopback CloudFormation knows, and one for DynamoDB Local runs. */
const tablesOf: Record<string, TableNames> = {};

/** A state table holding one calendar source per entry of `secrets` (id → secret name). */
async function stateTableWith(secrets: Record<string, string>): Promise<TableNames> {
  const created = await createTestTables();
  endpoint = created.endpoint;
  for (const [id, secret] of Object.entries(secrets)) {
    await testDocumentClient().send(
      new PutCommand({ TableName: created.tables.STATE_TABLE, Item: { pk: SOURCES_PARTITION, sk: id, id, type: 'ics', secret, schedule: `${id}-oncall` } }),
    );
  }
  return created.tables;
}

const local = (tables: TableNames) => ['--endpoint', endpoint, '--state-table', tables.STATE_TABLE];

beforeAll(async () => {
  [secretsManager, feed] = await Promise.all([startFakeSecretsManager(), startIcsFeed('feed-token-0123')]);
  const feedSecret = JSON.stringify({ url: feed.url, allowed_hosts: ['127.0.0.1'] });
  for (const name of ['lumos-sources/rota', 'lumos-connectors/rota', 'lumos-sources/Prod/rota']) secretsManager.secrets.set(name, feedSecret);
  feed.calendar = calendar(vevent({ UID: 'a', DTSTART: stamp(-1), DTEND: stamp(7), SUMMARY: 'On call: grace@lumos.com' }));
  tablesOf.local = await stateTableWith({ moved: 'lumos-sources/rota', unmoved: 'lumos-connectors/rota' });
  tablesOf.Prod = await stateTableWith({ moved: 'lumos-sources/Prod/rota', unmoved: 'lumos-connectors/rota' });
  tablesOf.Old = await stateTableWith({ unmoved: 'lumos-connectors/rota' });
  aws = await startAwsQueryServer(
    {
      Prod: { StateTableName: tablesOf.Prod.STATE_TABLE, SourceSecretPrefix: 'lumos-sources/Prod/', LegacySourceSecretPrefix: 'lumos-connectors/' },
      ProdMoved: { StateTableName: tablesOf.Prod.STATE_TABLE, SourceSecretPrefix: 'lumos-sources/Prod/' },
      Old: { StateTableName: tablesOf.Old.STATE_TABLE },
    },
    'arn:aws:sts::123456789012:assumed-role/Admin/alice',
  );
  for (const [name, value] of Object.entries({
    ...secretsManager.sdkEnvironment,
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  })) {
    vi.stubEnv(name, value);
  }
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([secretsManager.close(), feed.close(), aws.close()]);
  rmSync(scratch.dir, { recursive: true, force: true });
});

describe("lumos-state sync and sources: where the sources' secrets are", () => {
  it('16.9 with --endpoint, takes secrets under lumos-sources/ and refuses one under the connector prefix', async () => {
    // Act
    const run = await lumosState(['sync', ...local(tablesOf.local as TableNames)], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('moved  complete: 1 returned, 1 written');
    expect(run.out).toContain('unmoved  refused: source "unmoved" is malformed: secret: must start with the source secret prefix lumos-sources/');
  });

  it('16.9 takes --connector-prefix as the deprecated name of --source-prefix, saying so on stderr', async () => {
    // Act
    const run = await lumosState(['sync', 'unmoved', '--connector-prefix', 'lumos-connectors/', ...local(tablesOf.local as TableNames)], scratch.dir);
    const both = await lumosState(['sources', '--connector-prefix', 'a/', '--source-prefix', 'b/', ...local(tablesOf.local as TableNames)], scratch.dir);
    // Assess
    expect(run.err).toBe('lumos-state: --connector-prefix is deprecated: source secrets have their own prefix now; use --source-prefix\n');
    expect(run.out).toContain('unmoved  complete: 1 returned');
    expect(both.code).toBe(2);
    expect(both.err).toContain('give --source-prefix, not also --connector-prefix (its old name)');
  });

  it.each([['*'], ['lumos-*'], ['']])('16.9 refuses --source-prefix %j, which would accept a source naming any secret', async (prefix) => {
    // Prepare
    const calls = secretsManager.calls();
    // Act
    const run = await lumosState(['sync', '--source-prefix', prefix, ...local(tablesOf.local as TableNames)], scratch.dir);
    // Assess: refused before any secret is read
    expect(run.code).toBe(2);
    expect(run.err).toContain(`--source-prefix ${JSON.stringify(prefix)} must not`);
    expect(secretsManager.calls()).toBe(calls);
  });

  it("16.9 with --stack, takes the stack's SourceSecretPrefix and LegacySourceSecretPrefix outputs, and sources marks the unmoved one", async () => {
    // Act
    const run = await lumosState(['sync', '--stack', 'Prod'], scratch.dir);
    const sources = await lumosState(['sources', '--stack', 'Prod'], scratch.dir);
    const json = await lumosState(['sources', '--stack', 'Prod', '--json'], scratch.dir);
    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('moved  complete: 1 returned');
    expect(run.out).toContain('unmoved  complete: 1 returned');
    expect(sources.out).toContain('  secret under the legacy prefix lumos-connectors/: move it under lumos-sources/Prod/ (docs/deploy.md)');
    expect(sources.out.match(/secret under the legacy prefix/g)).toHaveLength(1);
    expect(JSON.parse(json.out).sources).toEqual([
      expect.objectContaining({ id: 'moved', legacy_secret: false }),
      expect.objectContaining({ id: 'unmoved', legacy_secret: true }),
    ]);
  });

  it('16.9 with --stack and no legacy output, refuses the unmoved source; --source-prefix overrides the output', async () => {
    // Act
    const run = await lumosState(['sync', '--stack', 'ProdMoved'], scratch.dir);
    const overridden = await lumosState(['sync', 'unmoved', '--stack', 'ProdMoved', '--source-prefix', 'lumos-connectors/'], scratch.dir);
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain('unmoved  refused: source "unmoved" is malformed: secret: must start with the source secret prefix lumos-sources/Prod/');
    expect(overridden.code).toBe(0);
    expect(overridden.out).toContain('unmoved  complete');
  });

  it('16.9 with --stack of a stack deployed before the split, says to deploy again or give --source-prefix, exit 1', async () => {
    // Act
    const run = await lumosState(['sync', '--stack', 'Old'], scratch.dir);
    const given = await lumosState(['sources', '--stack', 'Old', '--source-prefix', 'lumos-connectors/'], scratch.dir);
    // Assess
    expect(run).toMatchObject({
      code: 1,
      err: "lumos-state: stack Old has no SourceSecretPrefix output (deployed before source secrets had their own prefix): deploy it again, or give --source-prefix with the prefix its sources' secrets are under\n",
    });
    expect(given.out).toContain('unmoved  ics → unmoved-oncall');
    expect(given.out).not.toContain('  refused:');
  });
});
