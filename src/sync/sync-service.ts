/**
 * The sync run over every source (or one, for `lumos-state sync SOURCE`): the sources read and
 * checked, each synced for the window from an hour ago to 24 hours ahead, a few at a time, and
 * its status recorded. One source's failure, refusal or bug never stops the others.
 */
import { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import { inPool } from '../kernel/pool';
import { schedulesCompleteAfter } from '../store/schedule-sources';
import type { SourceRunRecord, SourceStatus, SourceStore } from '../store/source-store';
import type { SyncedStateStore } from '../store/synced-state-store';
import type { FetchRunOptions } from './fetch-run';
import type { SourceItem } from './source-item';
import { coveredNames, readSources, type SourceProblem } from './source-list';
import type { SourceSecretPrefixes } from './source-secret-prefixes';
import type { SourceSecretTexts } from './source-secret-texts';
import { type SourceOutcome, syncSource } from './sync-source';

export interface SyncServiceDeps {
  sources: SourceStore;
  state: SyncedStateStore;
  secrets: SourceSecretTexts;
  /** The deployment's source secret prefix (and, during an upgrade, the legacy one), which every source's secret must start with. */
  sourcePrefixes: SourceSecretPrefixes;
  now?: () => Date;
  fetchOptions?: Omit<Partial<FetchRunOptions>, 'window' | 'deadline'>;
}

export interface SyncServiceOptions {
  /** Sources synced at once. */
  concurrency: number;
  /** Kept back from each source's fetch and writes, so its status can still be recorded. */
  statusReserveMs: number;
}

export const SYNC_DEFAULTS: SyncServiceOptions = { concurrency: 4, statusReserveMs: 2_000 };

const HOUR_MS = 3_600_000;

export interface SyncReport {
  startedAt: string;
  outcomes: SourceOutcome[];
  /** Source items that were not synced: malformed, or claiming a name another source owns. */
  problems: SourceProblem[];
  /** The chosen sources' status items as the run found them (before it recorded its own). */
  statuses: SourceStatus[];
}

/** `lumos-state sync SOURCE` named a source that is not configured. */
export class UnknownSourceError extends Error {
  override name = 'UnknownSourceError';
}

export class SyncService {
  constructor(
    private readonly deps: SyncServiceDeps,
    private readonly options: SyncServiceOptions = SYNC_DEFAULTS,
  ) {}

  async run(deadline: Deadline, only?: string): Promise<SyncReport> {
    const startedAt = (this.deps.now ?? (() => new Date()))();
    const list = await readSources(this.deps.sources, this.deps.sourcePrefixes, deadline);
    const chosen = <T extends { id: string }>(items: readonly T[]): T[] => items.filter((item) => only === undefined || item.id === only);
    const sources = chosen(list.sources);
    const problems = chosen(list.problems);
    if (only !== undefined && sources.length === 0 && problems.length === 0) throw new UnknownSourceError(`no source ${JSON.stringify(only)} is configured`);
    const window = { from: new Date(startedAt.getTime() - HOUR_MS), to: new Date(startedAt.getTime() + 24 * HOUR_MS) };
    const outcomes: SourceOutcome[] = [];
    const statuses = new Map(list.statuses.map((status) => [status.id, status]));
    await inPool(sources, this.options.concurrency, async (source) => {
      const work = new Deadline(Math.max(0, deadline.remainingMs() - this.options.statusReserveMs));
      const outcome = await syncSource(source, window, { source: source.id, syncedAt: startedAt }, this.deps, work);
      outcomes.push(outcome);
      await this.record(source, outcome, startedAt, statuses.get(source.id), deadline);
    });
    // A refused or malformed source is recorded as failing, so its status says why it is not synced.
    await inPool(problems, this.options.concurrency, (problem) => this.recordProblem(problem, startedAt, deadline));
    if (only === undefined) {
      // A status whose source item is gone: its shifts count for nothing from now on.
      const configured = new Set([...list.sources, ...list.problems].map((item) => item.id));
      const gone = list.statuses.filter((status) => !configured.has(status.id) && status.present !== false);
      await inPool(gone, this.options.concurrency, (status) => this.recordGoneSafely(status.id, deadline));
    }
    return { startedAt: startedAt.toISOString(), outcomes, problems, statuses: chosen(list.statuses) };
  }

  private async record(source: SourceItem, outcome: SourceOutcome, startedAt: Date, last: SourceStatus | undefined, deadline: Deadline): Promise<void> {
    const { returned, written, deleted, kept } = outcome;
    const covers = coveredNames(source);
    await this.recordSafely(
      {
        id: source.id,
        startedAt,
        status: outcome.status,
        ...(outcome.failure ? { failure: outcome.failure } : {}),
        staleAfter: source.stale_after,
        covers,
        counts: { returned, written, deleted, kept, skipped: counted(outcome.skipped) },
        ...('schedules' in covers
          ? { incomplete: outcome.incomplete, schedulesComplete: schedulesCompleteAfter(last, covers.schedules, outcome.complete, startedAt) }
          : {}),
      },
      deadline,
    );
    const fields = { source: source.id, status: outcome.status, returned, written, deleted, kept, requests: outcome.requests };
    if (outcome.failure) logger.warn('state source sync failed', { ...fields, reason: outcome.failure.reason, message: outcome.failure.message });
    else logger.info('state source synced', fields);
  }

  private async recordProblem(problem: SourceProblem, startedAt: Date, deadline: Deadline): Promise<void> {
    logger.warn('state source not synced', { source: problem.id, message: problem.message });
    // Its covered names are left as they were: a refused source must not come to own the name it claimed.
    await this.recordSafely(
      {
        id: problem.id,
        startedAt,
        status: 'failed',
        failure: { reason: 'misconfigured', message: problem.message },
        counts: { returned: 0, written: 0, deleted: 0, kept: 0, skipped: {} },
      },
      deadline,
    );
  }

  private async recordGoneSafely(id: string, deadline: Deadline): Promise<void> {
    logger.warn('state source removed: its synced items no longer count', { source: id });
    try {
      await this.deps.sources.recordGone(id, deadline);
    } catch (error) {
      logger.error('state source status not recorded', { source: id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** A status that cannot be written is logged; the source's items are already in place. */
  private async recordSafely(record: SourceRunRecord, deadline: Deadline): Promise<void> {
    try {
      await this.deps.sources.recordRun(record, deadline);
    } catch (error) {
      logger.error('state source status not recorded', { source: record.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function counted(skipped: SourceOutcome['skipped']): Record<string, number> {
  return Object.fromEntries(Object.entries(skipped).filter((entry): entry is [string, number] => entry[1] !== undefined));
}
