/**
 * Counts what each audit record shows before it is written, so a failed write still counts:
 * rule items in scope that failed validation (the decision fell back to its safe side), and
 * permissions a target system failed to grant or remove, by the provisioner's configured name,
 * and permissions that could not run for a cause of ours (as `Failures`, by reason).
 * The record is the one place every service already reports both, so no service needs to know
 * about metrics.
 */
import type { Deadline } from '../kernel/deadline';
import type { FailureReason } from '../kernel/errors';
import type { Metrics } from './call-metrics';
import type { AuditRecord, AuditSink } from './record';

/** A failed result without a provisioner (its rule is invalid): no target system was reached. */
export const NO_SYSTEM = 'none';

export class MeteredAuditSink implements AuditSink {
  constructor(
    private readonly inner: AuditSink,
    private readonly metrics: Metrics,
  ) {}

  record(record: AuditRecord, at: Date, deadline: Deadline): Promise<void> {
    meterAuditRecord(this.metrics, record);
    return this.inner.record(record, at, deadline);
  }
}

/** Only counts above zero are published; the alarms treat no data as nothing to report. */
export function meterAuditRecord(metrics: Metrics, record: AuditRecord): void {
  const invalid = record.trace.filter((entry) => entry.outcome === 'invalid').length;
  if (invalid > 0) metrics.count('InvalidRulesInScope', { kind: record.kind }, invalid);

  const failedBySystem = new Map<string, number>();
  const ownFailures = new Set<FailureReason>();
  for (const result of record.results ?? []) {
    if (result.status !== 'failed') continue;
    // A permission that could not run for a cause of ours (store, deadline) is not the target's failure.
    if (result.reason !== undefined) {
      ownFailures.add(result.reason);
      continue;
    }
    const system = result.provisioner ?? NO_SYSTEM;
    failedBySystem.set(system, (failedBySystem.get(system) ?? 0) + 1);
  }
  for (const [system, failed] of failedBySystem) metrics.count('ProvisioningFailures', { kind: record.kind, system }, failed);
  // Once per call and reason, as the pipeline counts a call that could not run at all.
  for (const reason of ownFailures) metrics.count('Failures', { kind: record.kind, reason });
}
