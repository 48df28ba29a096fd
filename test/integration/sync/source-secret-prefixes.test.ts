/**
 * The state sync as its function builds it from the environment (src/app/parts/state-sync.ts),
 * on DynamoDB Local with a loopback Secrets Manager and calendar feed: the sources' secrets are
 * read under SOURCE_SECRET_PREFIX and never under the provisioners' connector prefix; under
 * LEGACY_SOURCE_SECRET_PREFIX only while it is set, each such read counted as a warning metric.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/app/config';
import { createContainer } from '../../../src/app/container';
import { stateSyncOf } from '../../../src/app/parts/state-sync';
import { Deadline } from '../../../src/kernel/deadline';
import { SOURCES_PARTITION } from '../../../src/store/source-store';
import { syncMetrics } from '../../../src/sync/sync-metrics';
import type { SyncReport } from '../../../src/sync/sync-service';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { calendar, type IcsFeed, startIcsFeed, vevent } from '../../support/sources/ics-feed';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

const HOUR = 3_600_000;
const stamp = (offsetHours: number) =>
  new Date(Date.now() + offsetHours * HOUR)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

let endpoint: string;
let tables: TableNames;
let secretsManager: FakeSecretsManager;
let feed: IcsFeed;

/** A fresh state table holding these source items, synced once by the function's own part, with its EMF lines. */
async function syncWith(env: Record<string, string>, sources: Record<string, unknown>[]): Promise<{ report: SyncReport; metrics: Record<string, unknown>[] }> {
  ({ endpoint, tables } = await createTestTables());
  const documents = testDocumentClient();
  for (const item of sources) await documents.send(new PutCommand({ TableName: tables.STATE_TABLE, Item: { pk: SOURCES_PARTITION, sk: item.id, ...item } }));
  const lines: string[] = [];
  syncMetrics.setSink((line) => lines.push(line));
  const container = createContainer(loadConfig({ STATE_TABLE: tables.STATE_TABLE, ...env }, 'scheduled'), endpoint);
  const report = await stateSyncOf(container).run(new Deadline(20_000));
  return { report, metrics: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const icsSource = (id: string, secret: string) => ({ id, type: 'ics', secret, schedule: `${id}-oncall` });
const outcomeOf = (report: SyncReport, id: string) => report.outcomes.find((outcome) => outcome.id === id);

beforeAll(async () => {
  [secretsManager, feed] = await Promise.all([startFakeSecretsManager(), startIcsFeed('feed-token-0123')]);
  for (const [name, value] of Object.entries(secretsManager.sdkEnvironment)) vi.stubEnv(name, value);
  const feedSecret = JSON.stringify({ url: feed.url, allowed_hosts: ['127.0.0.1'] });
  // The same feed under four names: two source prefixes, the old shared prefix, and a provisioner's credential.
  for (const name of ['acme-sources/rota', 'lumos-sources/rota', 'lumos-connectors/rota', 'lumos-connectors/crm-write'])
    secretsManager.secrets.set(name, feedSecret);
  feed.calendar = calendar(vevent({ UID: 'a', DTSTART: stamp(-1), DTEND: stamp(7), SUMMARY: 'On call: grace@lumos.com' }));
});

afterEach(() => {
  syncMetrics.setSink(null);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([secretsManager.close(), feed.close()]);
});

describe('source secret prefix', () => {
  it("16.9 syncs a source whose secret is under SOURCE_SECRET_PREFIX, and refuses one naming a provisioner's connector secret", async () => {
    // Act
    const { report, metrics } = await syncWith({ SOURCE_SECRET_PREFIX: 'acme-sources/' }, [
      icsSource('rota', 'acme-sources/rota'),
      icsSource('crm', 'lumos-connectors/crm-write'),
    ]);
    // Assess
    expect(outcomeOf(report, 'rota')).toMatchObject({ status: 'complete', written: 1 });
    expect(report.outcomes.map((outcome) => outcome.id)).toEqual(['rota']);
    expect(report.problems).toEqual([{ id: 'crm', message: 'source "crm" is malformed: secret: must start with the source secret prefix acme-sources/' }]);
    expect(metrics.filter((document) => 'LegacySourceSecrets' in document)).toEqual([]);
  });

  it('16.9 reads a secret under LEGACY_SOURCE_SECRET_PREFIX while it is set, counting each read as LegacySourceSecrets', async () => {
    // Act
    const { report, metrics } = await syncWith(
      { SOURCE_SECRET_PREFIX: 'acme-sources/', LEGACY_SOURCE_SECRET_PREFIX: 'lumos-connectors/', METRICS_NAMESPACE: 'Test' },
      [icsSource('moved', 'acme-sources/rota'), icsSource('unmoved', 'lumos-connectors/rota')],
    );
    // Assess: both synced; one warning, for the source not yet moved
    expect(outcomeOf(report, 'moved')).toMatchObject({ status: 'complete', written: 1 });
    expect(outcomeOf(report, 'unmoved')).toMatchObject({ status: 'complete', written: 1 });
    const legacy = metrics.filter((document) => 'LegacySourceSecrets' in document);
    expect(legacy).toEqual([
      expect.objectContaining({
        kind: 'state_sync',
        LegacySourceSecrets: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['kind']], Metrics: [{ Name: 'LegacySourceSecrets', Unit: 'Count' }] })],
        }),
      }),
    ]);
  });

  it('16.9 without SOURCE_SECRET_PREFIX, as `npm start` runs it, takes secrets under lumos-sources/ and none under lumos-connectors/', async () => {
    // Act
    const { report } = await syncWith({}, [icsSource('rota', 'lumos-sources/rota'), icsSource('crm', 'lumos-connectors/crm-write')]);
    // Assess
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'rota', status: 'complete', written: 1 })]);
    expect(report.problems).toEqual([{ id: 'crm', message: 'source "crm" is malformed: secret: must start with the source secret prefix lumos-sources/' }]);
  });

  it('16.9 refuses the same legacy secret once LEGACY_SOURCE_SECRET_PREFIX is removed', async () => {
    // Act
    const { report } = await syncWith({ SOURCE_SECRET_PREFIX: 'acme-sources/' }, [icsSource('unmoved', 'lumos-connectors/rota')]);
    // Assess
    expect(report.outcomes).toEqual([]);
    expect(report.problems).toEqual([
      { id: 'unmoved', message: 'source "unmoved" is malformed: secret: must start with the source secret prefix acme-sources/' },
    ]);
  });

  it.each([['*'], ['lumos-*'], ['']])('16.9 refuses to start with %j as a source, legacy or connector secret prefix: it would reach every secret', (prefix) => {
    // Act / Assess
    expect(() => loadConfig({ STATE_TABLE: 'state', SOURCE_SECRET_PREFIX: prefix }, 'scheduled')).toThrow(/invalid configuration: SOURCE_SECRET_PREFIX: /);
    expect(() => loadConfig({ STATE_TABLE: 'state', CONNECTOR_SECRET_PREFIX: prefix }, 'scheduled')).toThrow(
      /invalid configuration: CONNECTOR_SECRET_PREFIX: /,
    );
    expect(() => loadConfig({ STATE_TABLE: 'state', LEGACY_SOURCE_SECRET_PREFIX: prefix }, 'scheduled')).toThrow(
      /invalid configuration: LEGACY_SOURCE_SECRET_PREFIX: /,
    );
  });
});
