/**
 * The state sync at scale: one PagerDuty source mapping 500 schedules, each with 10 shifts in
 * the window, against the loopback PagerDuty and Secrets Manager the tests use, into DynamoDB
 * Local. A figure, not a budget: the first run writes every shift, the second finds them written.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Deadline } from '../../src/kernel/deadline';
import { logger } from '../../src/kernel/logger';
import { createTables } from '../../src/store/create-tables';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { LOCAL_SOURCE_SECRET_PREFIX } from '../../src/store/secret-prefix';
import { DynamoSourceStore, SOURCES_PARTITION } from '../../src/store/source-store';
import { DynamoSyncedStateStore } from '../../src/store/synced-state-store';
import { SecretsManagerSourceSecrets } from '../../src/sync/source-secret-texts';
import { SyncService } from '../../src/sync/sync-service';
import { startFakeSecretsManager } from '../../test/support/fake-secrets-manager';
import { startPagerDutyApi } from '../../test/support/sources/pagerduty-api';
import { msSince } from './stats';

export const SYNC_SCHEDULES = 500;
export const SHIFTS_PER_SCHEDULE = 10;
const PREFIX = LOCAL_SOURCE_SECRET_PREFIX;
const API_KEY = 'bench-pagerduty-key';
const HOUR_MS = 3_600_000;

export interface SyncFigures {
  firstRunMs: number;
  secondRunMs: number;
  returned: number;
  written: number;
  requests: number;
}

export async function measureSync(endpoint: string): Promise<SyncFigures> {
  const tables = await createTables(endpoint, 'bench-sync-');
  const [secrets, pagerduty] = await Promise.all([startFakeSecretsManager(), startPagerDutyApi(API_KEY)]);
  const documents = createDocumentClient(endpoint);
  try {
    const now = Date.now();
    // Ten consecutive 2.5-hour shifts per schedule, all inside the window (an hour ago to a day ahead).
    for (let schedule = 0; schedule < SYNC_SCHEDULES; schedule += 1) {
      for (let shift = 0; shift < SHIFTS_PER_SCHEDULE; shift += 1) {
        const start = now - HOUR_MS / 2 + shift * 2.5 * HOUR_MS;
        const email = `person-${(schedule * SHIFTS_PER_SCHEDULE + shift) % 997}@example.com`;
        pagerduty.oncalls.push({
          schedule_id: `P${schedule}`,
          escalation_level: 1 + (shift % 3),
          start: new Date(start).toISOString(),
          end: new Date(start + 2.5 * HOUR_MS).toISOString(),
          user: { id: `U${schedule}-${shift}`, name: email, email },
        });
      }
    }
    secrets.secrets.set(`${PREFIX}pagerduty`, JSON.stringify({ api_key: API_KEY, allowed_hosts: ['127.0.0.1'], base_url: pagerduty.origin }));
    const schedules = Object.fromEntries(Array.from({ length: SYNC_SCHEDULES }, (_, schedule) => [`P${schedule}`, `schedule-${schedule}`]));
    await documents.send(
      new PutCommand({
        TableName: tables.STATE_TABLE,
        Item: { pk: SOURCES_PARTITION, sk: 'pagerduty', id: 'pagerduty', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules },
      }),
    );
    const client = new SecretsManagerClient({
      endpoint: secrets.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const sync = new SyncService({
      sources: new DynamoSourceStore(documents, tables.STATE_TABLE),
      state: new DynamoSyncedStateStore(documents, tables.STATE_TABLE),
      secrets: new SecretsManagerSourceSecrets(client, { current: PREFIX }),
      sourcePrefixes: { current: PREFIX },
    });
    const timed = async () => {
      const started = process.hrtime.bigint();
      const report = await sync.run(new Deadline(300_000));
      const outcome = report.outcomes[0];
      if (report.outcomes.length !== 1 || outcome?.status !== 'complete') throw new Error(`sync did not complete: ${JSON.stringify(report).slice(0, 300)}`);
      return { ms: msSince(started), outcome };
    };
    // The run's summary line per source belongs in a function's log, not in this report.
    logger.setLogLevel('SILENT');
    const first = await timed();
    const second = await timed();
    client.destroy();
    return {
      firstRunMs: first.ms,
      secondRunMs: second.ms,
      returned: first.outcome.returned,
      written: first.outcome.written,
      requests: pagerduty.requests.length,
    };
  } finally {
    documents.destroy();
    await Promise.all([secrets.close(), pagerduty.close()]);
  }
}
