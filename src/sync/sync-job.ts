/**
 * The state sync as a scheduled function (src/app/functions/state-sync.ts): one sync run over
 * every configured source, summed up for the run's log line, and its metrics published every run,
 * zero included, so the "state source failing or stale" alarm sees the all-clear as well.
 */
import type { RunContext, ScheduledService } from '../services/scheduled-service';
import type { SourceStatus } from '../store/source-store';
import { DEFAULT_STALE_AFTER_MINUTES } from './source-item';
import { type SyncMetrics, syncMetrics } from './sync-metrics';
import type { SyncReport, SyncService } from './sync-service';

export interface SyncRunSummary extends Record<string, number | boolean> {
  /** Sources whose run fetched everything it asked for. */
  complete: number;
  /** Sources whose run skipped items (written what it could, deleted nothing). */
  partial: number;
  /** Sources whose run failed: nothing written or deleted. */
  failed: number;
  /** Source items not synced at all: malformed, or claiming a name another source owns. */
  refused: number;
  written: number;
  deleted: number;
  /** Sources whose last success is older than their stale_after, or that never succeeded: rules fail closed on them. */
  stale: number;
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
    this.metrics.publish({ ItemsSynced: summary.written, SourcesFailed: summary.failed + summary.refused, SourcesStale: summary.stale });
    const statuses = new Map(report.statuses.map((status) => [status.id, status]));
    for (const outcome of report.outcomes) {
      const failed = outcome.status === 'failed';
      this.metrics.publishSource(outcome.id, {
        ItemsSynced: outcome.written,
        SourcesFailed: failed ? 1 : 0,
        SourcesStale: failed && isStale(statuses.get(outcome.id), now) ? 1 : 0,
      });
    }
    for (const problem of report.problems) {
      this.metrics.publishSource(problem.id, { ItemsSynced: 0, SourcesFailed: 1, SourcesStale: isStale(statuses.get(problem.id), now) ? 1 : 0 });
    }
    return summary;
  }
}

export function summarize(report: SyncReport, now: Date): SyncRunSummary {
  const summary: SyncRunSummary = { complete: 0, partial: 0, failed: 0, refused: report.problems.length, written: 0, deleted: 0, stale: 0 };
  const statuses = new Map(report.statuses.map((status) => [status.id, status]));
  for (const outcome of report.outcomes) {
    summary[outcome.status] += 1;
    summary.written += outcome.written;
    summary.deleted += outcome.deleted;
    // A complete or partial run is this run's success; a failed one leaves the last success as it was.
    if (outcome.status === 'failed' && isStale(statuses.get(outcome.id), now)) summary.stale += 1;
  }
  for (const problem of report.problems) if (isStale(statuses.get(problem.id), now)) summary.stale += 1;
  return summary;
}

/** As the rules judge it (src/rules/evaluation.ts): fresh while now is within stale_after minutes of the last success. */
function isStale(status: SourceStatus | undefined, now: Date): boolean {
  const last = Date.parse(status?.last_success ?? '');
  const staleAfter = typeof status?.stale_after === 'number' && status.stale_after > 0 ? status.stale_after : DEFAULT_STALE_AFTER_MINUTES;
  return !Number.isFinite(last) || now.getTime() - last > staleAfter * 60_000;
}
