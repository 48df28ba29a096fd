/**
 * The state sync as a scheduled function (src/app/functions/state-sync.ts): one sync run over
 * every configured source, summed up for the run's log line, and its metrics published every run,
 * zero included, so the "state source failing or stale" alarm sees the all-clear as well.
 */
import type { RunContext, ScheduledService } from '../kernel/scheduled-service';
import { schedulesCompleteAfter, statusIsStale } from '../store/schedule-sources';
import type { SourceStatus } from '../store/source-store';
import { type SyncMetrics, syncMetrics } from './sync-metrics';
import type { SyncReport, SyncService } from './sync-service';
import type { SourceOutcome } from './sync-source';

export interface SyncRunSummary extends Record<string, number | boolean> {
  /** Sources whose run fetched everything it asked for. */
  complete: number;
  /** Sources whose run could not read some schedule whole (its vanished shifts kept). */
  partial: number;
  /** Sources whose run failed: nothing written or deleted. */
  failed: number;
  /** Source items not synced at all: malformed, or claiming a name another source owns. */
  refused: number;
  written: number;
  deleted: number;
  /** Sources with a schedule not read whole within their stale_after, or never: rules fail closed on it. */
  stale: number;
  /** Schedules this run could not read whole. */
  incompleteSchedules: number;
}

/** What the job needs of the sync run: the run (tests: a stand-in). */
export type SyncRunner = Pick<SyncService, 'run'>;

export class StateSyncJob implements ScheduledService {
  readonly name = 'state_sync';

  constructor(
    private readonly sync: SyncRunner,
    private readonly now: () => Date,
    private readonly metrics: SyncMetrics = syncMetrics,
  ) {}

  async run(context: RunContext): Promise<SyncRunSummary> {
    const report = await this.sync.run(context.deadline);
    const now = this.now();
    const summary = summarize(report, now);
    const startedAt = Date.parse(report.startedAt);
    this.metrics.publish(
      {
        ItemsSynced: summary.written,
        SourcesFailed: summary.failed + summary.refused,
        SourcesStale: summary.stale,
        SchedulesIncomplete: summary.incompleteSchedules,
      },
      startedAt,
    );
    const statuses = new Map(report.statuses.map((status) => [status.id, status]));
    for (const outcome of report.outcomes) {
      this.metrics.publishSource(
        outcome.id,
        {
          ItemsSynced: outcome.written,
          SourcesFailed: outcome.status === 'failed' ? 1 : 0,
          SourcesStale: isStale(statuses.get(outcome.id), now, outcome) ? 1 : 0,
          SchedulesIncomplete: incompleteSchedules(outcome),
        },
        startedAt,
      );
    }
    for (const problem of report.problems) {
      this.metrics.publishSource(problem.id, {
        ItemsSynced: 0,
        SourcesFailed: 1,
        SourcesStale: isStale(statuses.get(problem.id), now) ? 1 : 0,
        SchedulesIncomplete: 0,
      });
    }
    return summary;
  }
}

export function summarize(report: SyncReport, now: Date): SyncRunSummary {
  const summary: SyncRunSummary = {
    complete: 0,
    partial: 0,
    failed: 0,
    refused: report.problems.length,
    written: 0,
    deleted: 0,
    stale: 0,
    incompleteSchedules: 0,
  };
  const statuses = new Map(report.statuses.map((status) => [status.id, status]));
  for (const outcome of report.outcomes) {
    summary[outcome.status] += 1;
    summary.written += outcome.written;
    summary.deleted += outcome.deleted;
    summary.incompleteSchedules += incompleteSchedules(outcome);
    if (isStale(statuses.get(outcome.id), now, outcome)) summary.stale += 1;
  }
  for (const problem of report.problems) if (isStale(statuses.get(problem.id), now)) summary.stale += 1;
  return summary;
}

function incompleteSchedules(outcome: SourceOutcome): number {
  return outcome.kind === 'shifts' ? outcome.incomplete.length : 0;
}

/**
 * As the functions will judge the source once this run is recorded (src/store/schedule-sources.ts):
 * a run that did not fail is a success now, and the schedules it read whole are fresh now.
 */
function isStale(status: SourceStatus | undefined, now: Date, outcome?: SourceOutcome): boolean {
  if (outcome === undefined || outcome.status === 'failed') return statusIsStale(status, now);
  const after: SourceStatus = { ...(status ?? { id: outcome.id }), last_success: now.toISOString() };
  if (outcome.kind === 'shifts') {
    after.schedules = [...outcome.complete, ...outcome.incomplete];
    after.schedules_complete = schedulesCompleteAfter(status, after.schedules, outcome.complete, now);
  }
  return statusIsStale(after, now);
}
