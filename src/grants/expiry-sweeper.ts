/**
 * The expiry sweeper: Lumos calls deprovisioning when access ends and never retries, so a grant
 * whose every hold has expired, and any removal left pending, is removed here, through the
 * provisioner recorded on the grant and under the ledger's lock (src/grants/grant-removal.ts),
 * one audit item per grant with the reason `expired` (or `pending_removal` for a retry). It reads
 * only the grants due, from the ledger's sparse index, and reads each again (consistently) before
 * acting, so a provisioning that added a hold meanwhile keeps its access. A removal that fails
 * stays `pending_removal` with its attempt count, error and next attempt time (backing off), and
 * is tried again from then on each run until it succeeds; nothing is ever dropped. An item in
 * the index that does not read as a grant is named in an error log and counted pending each run,
 * untouched, until an admin fixes it.
 */

import { metrics as emfMetrics, type Metrics } from '../audit/call-metrics';
import type { AuditSink } from '../audit/record';
import { auditJob } from '../audit/writer';
import { Deadline } from '../kernel/deadline';
import { AuditWriteError, failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import { inPool } from '../kernel/pool';
import type { RunContext, ScheduledService } from '../kernel/scheduled-service';
import type { DueEntry, DueGrants, UnreadableDue } from './due-grants';
import { dueAtOf, grantDigest } from './due-index';
import { entitlementOfGrant } from './entitlement-of-grant';
import type { GrantItem, GrantKey } from './grant-item';
import { GrantRemoval, grantNamed, type Removal, type RemovalDependencies } from './grant-removal';
import { holdsAccess } from './holds';
import { GAVE_UP, type LedgerStep, untilSettled } from './ledger-retry';
import { grantStateAt } from './lifecycle';
import { recordedProvisionerName } from './recorded-provisioner';

/** A grant still in place this long after its expiry raises the alarm (lib/webhook-alarms.ts). */
export const OVERDUE_AFTER_MS = 30 * 60_000;

export interface SweeperOptions {
  /** Grants worked on at once. */
  concurrency: number;
  /** One grant's budget, as a webhook call's: the target's timeout and the ledger writes. */
  grantBudgetMs: number;
}

export const SWEEPER_DEFAULTS: SweeperOptions = { concurrency: 16, grantBudgetMs: 8_000 };

export interface SweepSummary extends Record<string, number | boolean> {
  /** Grants read from the index as due. */
  due: number;
  removed: number;
  /** Removals tried and failed in this run (each now pending). */
  failed: number;
  /** Grants left pending removal after the run (failed now, or waiting for their next attempt). */
  pending: number;
  /** Grants still in place more than 30 minutes after their expiry. */
  overdue: number;
  /** Grants that turned out not to be due (a new hold, a removal under way, already removed). */
  skipped: number;
  /** The run's deadline came before every due grant was looked at: the next run goes on. */
  unfinished: boolean;
}

type Swept =
  | { kind: 'skipped' }
  | { kind: 'waiting'; grant: GrantItem }
  | { kind: 'worked'; grant: GrantItem; reason: 'expired' | 'pending_removal'; removal: Removal };

type Deps = RemovalDependencies & { readonly audit: AuditSink; readonly due: DueGrants };

export class ExpirySweeper implements ScheduledService {
  readonly name = 'expiry_sweeper';
  private readonly removal: GrantRemoval;

  constructor(
    private readonly deps: Deps,
    private readonly options: SweeperOptions = SWEEPER_DEFAULTS,
    private readonly metrics: Metrics = emfMetrics,
  ) {
    this.removal = new GrantRemoval(deps);
  }

  async run(context: RunContext): Promise<SweepSummary> {
    const summary: SweepSummary = { due: 0, removed: 0, failed: 0, pending: 0, overdue: 0, skipped: 0, unfinished: false };
    const now = this.deps.now();
    for await (const page of this.deps.due.due(now, context.deadline)) {
      summary.due += page.length;
      await inPool(page, this.options.concurrency, (entry) => this.sweepEntry(entry, context, summary, now));
      if (context.deadline.remainingMs() < this.options.grantBudgetMs) {
        summary.unfinished = true;
        break;
      }
    }
    // Published every run, zero included, so a graph shows the level and the alarm sees the all-clear.
    const kind = { kind: this.name };
    this.metrics.count('PendingRemovals', kind, summary.pending);
    this.metrics.count('OverdueGrants', kind, summary.overdue);
    this.metrics.count('ExpiredRemoved', kind, summary.removed);
    return summary;
  }

  private async sweepEntry(entry: DueEntry, context: RunContext, summary: SweepSummary, now: Date): Promise<void> {
    if ('grant' in entry) return this.sweepOne(entry.grant, context, summary);
    unreadable(entry, now, summary);
  }

  private async sweepOne(indexed: GrantItem, context: RunContext, summary: SweepSummary): Promise<void> {
    // Too little of the run left to give a grant its time: the next run takes it (nothing written, nothing audited).
    if (context.deadline.remainingMs() < this.options.grantBudgetMs) {
      summary.unfinished = true;
      return;
    }
    const startedAt = Date.now();
    const key: GrantKey = { app_instance: indexed.app_instance, subject_permission: indexed.subject_permission };
    const deadline = new Deadline(Math.min(this.options.grantBudgetMs, context.deadline.remainingMs()));
    let swept: Swept;
    try {
      swept = await untilSettled(
        deadline,
        () => this.attempt(key, deadline),
        (why): Swept => {
          logger.warn('expired grant not swept this run', { ...key, why: GAVE_UP[why] });
          return { kind: 'waiting', grant: indexed };
        },
        this.deps.backoff,
      );
    } catch (error) {
      // The ledger itself failed: the grant stays due, and the next run tries again.
      logger.error('expired grant could not be swept', { ...key, reason: failureReason(error), error: error instanceof Error ? error.name : 'unknown' });
      swept = { kind: 'waiting', grant: indexed };
    }
    const at = this.deps.now();
    tally(swept, summary, at);
    if (swept.kind === 'worked') await this.audit(swept, context, at, startedAt, deadline);
  }

  /** One consistent read of the grant and what its state calls for now (the index may be behind). */
  private async attempt(key: GrantKey, deadline: Deadline): Promise<LedgerStep<Swept>> {
    const grant = await this.deps.grants.get(key, deadline);
    const at = this.deps.now();
    if (grant === null) return { done: { kind: 'skipped' } };
    const state = grantStateAt(grant, at);
    // Removed; or someone is granting or removing it now (it falls due again when their mark expires).
    if (state === 'removed' || state === 'granting' || state === 'revoking') return { done: { kind: 'skipped' } };
    // A provisioning added an active (or unlimited) hold since the index said so: the access stays.
    if (state === 'held' && holdsAccess(grant, at)) return { done: { kind: 'skipped' } };
    if (state === 'pending_removal' && grant.next_attempt_at !== undefined && Date.parse(grant.next_attempt_at) > at.getTime()) {
      return { done: { kind: 'waiting', grant } };
    }
    const reason = state === 'held' ? 'expired' : 'pending_removal';
    // An unreadable recorded provisioner is never called: the removal fails and stays pending, for an admin.
    const step = await this.removal.revoke(grant, entitlementOfGrant(grant), deadline);
    if ('retry' in step) return step;
    // Not tried (no time left for the target): unchanged, so nothing to audit; the next run tries.
    if (step.done.status === 'not_called') return { done: { kind: 'waiting', grant } };
    return {
      done: { kind: 'worked', grant: step.done.status === 'failed' && step.done.pending !== null ? step.done.pending : grant, reason, removal: step.done },
    };
  }

  private async audit(swept: Extract<Swept, { kind: 'worked' }>, context: RunContext, at: Date, startedAt: number, deadline: Deadline): Promise<void> {
    const { grant, removal, reason } = swept;
    const base = { permission: grant.permission, rule_id: grant.rule_id, provisioner: recordedProvisionerName(grant.provisioner) };
    const result =
      removal.status === 'removed'
        ? {
            ...base,
            status: 'removed' as const,
            detail: `removed: ${reason === 'expired' ? 'every hold had expired' : 'an earlier removal had not gone through'}${removal.note}`,
          }
        : {
            ...base,
            status: 'failed' as const,
            detail: `${removal.message}${removal.status === 'failed' && removal.pending !== null ? `; pending, tried again from ${removal.pending.next_attempt_at}` : ''}`,
          };
    try {
      await auditJob(
        this.deps.audit,
        'expiry_sweeper',
        {
          app_id: grant.app_id,
          subject: grant.email,
          permissions: [grant.permission],
          decision: removal.status === 'removed' ? 'REMOVED' : 'REMOVAL_FAILED',
          reason,
          results: [result],
          // Short whatever the key holds: the audit item's sort key ends in it (1,024 bytes at most).
          request_id: `${context.runId.slice(0, 64)}:${grantDigest(grant)}`,
        },
        at,
        startedAt,
        deadline.remainingMs() > 0 ? deadline : new Deadline(1_000),
      );
    } catch (error) {
      // The removal stands without its item; the log line says what it would have held.
      logger.error('audit item of a swept grant could not be written', {
        ...grantNamed(grant),
        status: removal.status,
        reason: failureReason(error),
        detail: error instanceof AuditWriteError ? error.message : undefined,
      });
    }
  }
}

/** Still in place more than 30 minutes after it should have gone. */
function isOverdue(grant: GrantItem, now: Date): boolean {
  const due = grant.state === 'held' || grant.state === undefined ? grant.expires_at : (grant.removal_due_at ?? dueAtOf(grant));
  return due !== null && Date.parse(due) < now.getTime() - OVERDUE_AFTER_MS;
}

/**
 * A due item that does not read as a grant: nothing is written or audited (nothing can be acted
 * on safely), an error log names it and says why, and it counts as pending (and overdue once
 * past its time), so the alarms see it; it stays due, and every run reports it until it is fixed.
 */
function unreadable(entry: UnreadableDue, now: Date, summary: SweepSummary): void {
  logger.error('grant item unreadable; not swept until it is fixed in the grants table', { ...entry.key, problem: entry.problem });
  summary.pending += 1;
  if (entry.due_at !== '' && Date.parse(entry.due_at) < now.getTime() - OVERDUE_AFTER_MS) summary.overdue += 1;
}

/** Counts one grant's sweep in the run's summary, and logs what became of a grant the run worked on. */
function tally(swept: Swept, summary: SweepSummary, at: Date): void {
  if (swept.kind === 'skipped') {
    summary.skipped += 1;
    return;
  }
  if (swept.kind === 'worked') {
    const fields = { ...grantNamed(swept.grant), reason: swept.reason };
    if (swept.removal.status === 'removed') {
      logger.info('expired grant removed', fields);
      summary.removed += 1;
      return;
    }
    logger.warn('removal failed; pending', { ...fields, error: swept.grant.removal_error, next_attempt_at: swept.grant.next_attempt_at });
    summary.failed += 1;
  }
  summary.pending += 1;
  if (isOverdue(swept.grant, at)) summary.overdue += 1;
}
