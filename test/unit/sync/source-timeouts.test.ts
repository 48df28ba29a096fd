/**
 * A source that stalls ends its run on time, whatever the garbage collector does meanwhile: the
 * attempt's timer (src/kernel/timed-call.ts) covers the request and its body, and a timeout
 * anywhere in it is `deadline_exceeded`. Each test forces a collection while the call waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { type IcsSource, type IncidentIoSource, parseSourceItem } from '../../../src/sync/source-item';
import { fetchIcsShifts } from '../../../src/sync/sources/ics';
import { fetchIncidentIoShifts } from '../../../src/sync/sources/incidentio';
import { runOptions } from '../../support/sources/run-options';
import { collectGarbage, type StallingServer, startStallingServer } from '../../support/stalling-server';

const BUDGET_MS = 1_500;
/** Time allowed past the budget for the failure to come back (scheduling on a busy machine). */
const SLACK_MS = 750;
/** Bounds a run that never ends (the bug) well before vitest's own timeout. */
const TEST_TIMEOUT_MS = 8_000;

const incidentIo = parseSourceItem(
  { id: 'incident-io', type: 'incidentio', secret: 'lumos-sources/incident-io', schedules: { '01SCHEDPRIMARY': 'payments-oncall' } },
  { current: 'lumos-sources/' },
) as IncidentIoSource;
const feed = parseSourceItem(
  { id: 'rota', type: 'ics', secret: 'lumos-sources/rota-feed', schedule: 'support-rota' },
  { current: 'lumos-sources/' },
) as IcsSource;

let servers: StallingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
const stalling = async (mode: 'silent' | 'half_body') => {
  const server = await startStallingServer(mode);
  servers.push(server);
  return server;
};

/** Starts `run`, forces a collection once the server has the request, and times the whole. */
async function collectedWhileWaiting<T>(server: StallingServer, run: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const arrived = server.nextRequest();
  const started = Date.now();
  const running = run();
  await arrived;
  collectGarbage();
  const result = await running;
  return { result, elapsedMs: Date.now() - started };
}

describe('a stalling source', () => {
  it(
    '16.6 a source that never answers fails as deadline_exceeded within its budget, after a forced collection',
    async () => {
      // Prepare
      const server = await stalling('silent');
      const secret = { api_key: 'inc_s3cr3t', allowed_hosts: ['127.0.0.1'], base_url: server.origin };

      // Act
      const { result, elapsedMs } = await collectedWhileWaiting(server, () =>
        fetchIncidentIoShifts(incidentIo, secret, runOptions({ deadline: new Deadline(BUDGET_MS) })),
      );

      // Assess
      expect(result).toMatchObject({ status: 'failed', items: [], failure: { reason: 'deadline_exceeded' } });
      expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '16.6 a feed that stalls in the middle of its body fails as deadline_exceeded within its budget, after a forced collection',
    async () => {
      // Prepare
      const server = await stalling('half_body');
      const secret = { url: `${server.origin}/feeds/f33d-t0k3n/oncall.ics`, allowed_hosts: ['127.0.0.1'] };

      // Act
      const { result, elapsedMs } = await collectedWhileWaiting(server, () => fetchIcsShifts(feed, secret, runOptions({ deadline: new Deadline(BUDGET_MS) })));

      // Assess
      expect(result).toMatchObject({ status: 'failed', items: [], failure: { reason: 'deadline_exceeded' } });
      expect(result.failure?.message).not.toMatch(/cut off|f33d-t0k3n/);
      expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '16.6 a body cut short by the timeout is deadline_exceeded, not a response that was cut off',
    async () => {
      // Prepare
      const server = await stalling('half_body');
      const secret = { url: `${server.origin}/feeds/f33d-t0k3n/oncall.ics`, allowed_hosts: ['127.0.0.1'] };

      // Act
      const run = await fetchIcsShifts(feed, secret, runOptions({ deadline: new Deadline(500) }));

      // Assess
      expect(run).toMatchObject({ status: 'failed', failure: { reason: 'deadline_exceeded' } });
      expect(server.requests).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );
});
