/**
 * The state sync as a scheduled function (src/sync/sync-job.ts): the run's summary counts sources
 * by outcome and the items written and deleted; a source is stale when its last success is older
 * than its stale_after (or it never succeeded) and this run did not succeed either; the three
 * metrics go out in one EMF document every run, zero included.
 */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { StateSyncJob } from '../../../src/sync/sync-job';
import { SyncMetrics } from '../../../src/sync/sync-metrics';
import type { SyncReport } from '../../../src/sync/sync-service';
import type { SourceOutcome } from '../../../src/sync/sync-source';
import { readEmf } from '../../support/emf';

const NOW = new Date('2026-03-02T10:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

function outcome(id: string, status: SourceOutcome['status'], written = 0, deleted = 0, incomplete: string[] = []): SourceOutcome {
  const covered = [`${id}-oncall`, ...incomplete];
  return {
    id,
    kind: 'shifts',
    status,
    returned: written,
    written,
    deleted,
    kept: 0,
    skipped: {},
    requests: 1,
    complete: status === 'failed' ? [] : covered.filter((name) => !incomplete.includes(name)),
    incomplete: status === 'failed' ? covered : incomplete,
  };
}

function jobOver(report: Omit<SyncReport, 'startedAt'>): { job: StateSyncJob; lines: string[] } {
  const lines: string[] = [];
  const metrics = new SyncMetrics(
    'Test/Metrics',
    (line) => lines.push(line),
    () => NOW.getTime(),
  );
  const job = new StateSyncJob({ run: async () => ({ startedAt: NOW.toISOString(), ...report }) }, () => NOW, metrics);
  return { job, lines };
}

const run = (job: StateSyncJob) => job.run({ runId: 'run-1', deadline: new Deadline(10_000) });

describe('state sync job', () => {
  it('counts sources by outcome, items written and deleted, and the failing sources gone stale', async () => {
    // Prepare
    const { job } = jobOver({
      outcomes: [
        outcome('pd', 'complete', 7, 2),
        outcome('iio', 'partial', 3, 0, []),
        outcome('kb4', 'failed'),
        outcome('ics', 'failed'),
        outcome('new', 'failed'),
      ],
      problems: [{ id: 'broken', message: 'source "broken" is malformed' }],
      statuses: [
        // kb4 failed, but last succeeded 10 minutes ago, within its stale_after: not stale
        { id: 'kb4', last_success: minutesAgo(10), stale_after: 30 },
        // ics failed and last succeeded 20 minutes ago, beyond its stale_after of 15: stale
        { id: 'ics', last_success: minutesAgo(20), stale_after: 15 },
        // pd succeeded long ago, and again in this run: not stale
        { id: 'pd', last_success: minutesAgo(600), stale_after: 30 },
        // a refused source that last succeeded 31 minutes ago with the default stale_after (30): stale
        { id: 'broken', last_success: minutesAgo(31) },
      ],
    });
    // Act
    const summary = await run(job);
    // Assess: "new" never succeeded, so it is stale too
    expect(summary).toEqual({ complete: 1, partial: 1, failed: 3, refused: 1, written: 10, deleted: 2, stale: 3, incompleteSchedules: 3 });
  });

  it('publishes items synced, sources failed and sources stale in one document, under kind state_sync', async () => {
    // Prepare
    const { job, lines } = jobOver({
      outcomes: [outcome('pd', 'complete', 4), outcome('kb4', 'failed')],
      problems: [{ id: 'x', message: 'refused' }],
      statuses: [],
    });
    // Act
    await run(job);
    // Assess: the run's document first, then one per source
    expect(lines).toHaveLength(4);
    const published = readEmf(lines[0] as string).map(({ name, value, dimensionSets, namespace }) => ({ name, value, dimensionSets, namespace }));
    expect(published).toEqual([
      { namespace: 'Test/Metrics', name: 'ItemsSynced', value: 4, dimensionSets: [{ kind: 'state_sync' }] },
      { namespace: 'Test/Metrics', name: 'SourcesFailed', value: 2, dimensionSets: [{ kind: 'state_sync' }] },
      { namespace: 'Test/Metrics', name: 'SourcesStale', value: 2, dimensionSets: [{ kind: 'state_sync' }] },
      { namespace: 'Test/Metrics', name: 'SchedulesIncomplete', value: 1, dimensionSets: [{ kind: 'state_sync' }] },
    ]);
  });

  it('publishes each source’s share under its id, a malformed id as invalid', async () => {
    // Prepare
    const { job, lines } = jobOver({
      outcomes: [outcome('pd', 'complete', 4), outcome('kb4', 'failed')],
      problems: [{ id: 'bad id\u001b[2K', message: 'refused' }],
      statuses: [{ id: 'kb4', last_success: minutesAgo(60), stale_after: 30 }],
    });
    // Act
    await run(job);
    // Assess
    const perSource = lines
      .slice(1)
      .map((line) => Object.fromEntries(readEmf(line).map(({ name, value, dimensionSets }) => [name, { value, dimensions: dimensionSets }])));
    expect(perSource).toEqual([
      {
        ItemsSynced: { value: 4, dimensions: [{ kind: 'state_sync', source: 'pd' }] },
        SourcesFailed: { value: 0, dimensions: [{ kind: 'state_sync', source: 'pd' }] },
        SourcesStale: { value: 0, dimensions: [{ kind: 'state_sync', source: 'pd' }] },
        SchedulesIncomplete: { value: 0, dimensions: [{ kind: 'state_sync', source: 'pd' }] },
      },
      {
        ItemsSynced: { value: 0, dimensions: [{ kind: 'state_sync', source: 'kb4' }] },
        SourcesFailed: { value: 1, dimensions: [{ kind: 'state_sync', source: 'kb4' }] },
        SourcesStale: { value: 1, dimensions: [{ kind: 'state_sync', source: 'kb4' }] },
        SchedulesIncomplete: { value: 1, dimensions: [{ kind: 'state_sync', source: 'kb4' }] },
      },
      {
        ItemsSynced: { value: 0, dimensions: [{ kind: 'state_sync', source: 'invalid' }] },
        SourcesFailed: { value: 1, dimensions: [{ kind: 'state_sync', source: 'invalid' }] },
        SourcesStale: { value: 1, dimensions: [{ kind: 'state_sync', source: 'invalid' }] },
        SchedulesIncomplete: { value: 0, dimensions: [{ kind: 'state_sync', source: 'invalid' }] },
      },
    ]);
  });

  it('16.1 a partial run that left a schedule unread past its stale_after counts the source stale and its schedules incomplete', async () => {
    // Prepare: pd read payments whole just now, but has not read ops whole for 40 minutes (stale_after 30)
    const { job, lines } = jobOver({
      outcomes: [outcome('pd', 'partial', 5, 0, ['ops'])],
      problems: [],
      statuses: [
        {
          id: 'pd',
          last_success: minutesAgo(5),
          stale_after: 30,
          schedules: ['pd-oncall', 'ops'],
          schedules_complete: { 'pd-oncall': minutesAgo(5), ops: minutesAgo(40) },
        },
      ],
    });
    // Act
    const summary = await run(job);
    // Assess
    expect(summary).toMatchObject({ partial: 1, stale: 1, incompleteSchedules: 1 });
    expect(readEmf(lines[0] as string).find(({ name }) => String(name) === 'SchedulesIncomplete')?.value).toBe(1);
  });

  it('16.1 a partial run whose unread schedule was read whole within stale_after is not stale', async () => {
    // Prepare
    const { job } = jobOver({
      outcomes: [outcome('pd', 'partial', 5, 0, ['ops'])],
      problems: [],
      statuses: [{ id: 'pd', last_success: minutesAgo(5), stale_after: 30, schedules: ['pd-oncall', 'ops'], schedules_complete: { ops: minutesAgo(10) } }],
    });
    // Act
    const summary = await run(job);
    // Assess
    expect(summary).toMatchObject({ partial: 1, stale: 0, incompleteSchedules: 1 });
  });

  it('16.1 stamps the run’s metrics with the run’s start, so a long run still lands in its own alarm period', async () => {
    // Prepare: a run that started two minutes before it published
    const lines: string[] = [];
    const metrics = new SyncMetrics(
      'Test/Metrics',
      (line) => lines.push(line),
      () => NOW.getTime(),
    );
    const startedAt = new Date(NOW.getTime() - 2 * 60_000);
    const job = new StateSyncJob(
      { run: async () => ({ startedAt: startedAt.toISOString(), outcomes: [outcome('pd', 'partial', 1, 0, ['ops'])], problems: [], statuses: [] }) },
      () => NOW,
      metrics,
    );
    // Act
    await run(job);
    // Assess
    expect(lines.flatMap((line) => readEmf(line).map((metric) => metric.timestamp))).toEqual(expect.arrayContaining([startedAt.getTime()]));
    expect(new Set(lines.flatMap((line) => readEmf(line).map((metric) => metric.timestamp)))).toEqual(new Set([startedAt.getTime()]));
  });

  it('with no source configured, sums to zeros (a quiet log line) and still publishes the all-clear', async () => {
    // Prepare
    const { job, lines } = jobOver({ outcomes: [], problems: [], statuses: [] });
    // Act
    const summary = await run(job);
    // Assess
    expect(Object.values(summary).every((value) => value === 0)).toBe(true);
    expect(readEmf(lines[0] as string).map(({ value }) => value)).toEqual([0, 0, 0, 0]);
  });
});
