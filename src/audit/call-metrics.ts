/**
 * The metrics of the webhook calls and of the ledger's jobs (the expiry sweeper, a removal
 * resolved by hand): their names, the dimension sets each is published under, and the closed
 * sets the dimension values come from. Written through the EMF writer (src/kernel/metrics.ts).
 *
 * Dimension values come only from closed sets, plus a provisioner name an admin configured
 * (sanitised); anything else is published as `other`, so no payload value can ever become a
 * dimension (each distinct value would be a new, billed metric and a place to leak data).
 */
import { FAILURE_REASONS } from '../kernel/errors';
import { EmfWriter, METRICS_NAMESPACE_VAR, namespaceFrom, sinkFromEnvironment } from '../kernel/metrics';
import { WEBHOOK_KINDS } from '../lumos/payload';
import { DONE_OUTCOME, LUMOS_RESPONSE } from '../lumos/replies';
import { JOB_KINDS } from './record';

/** Why a call was refused before any check ran: the reply's `error` value. */
export const REFUSAL_REASONS = ['unauthorized', 'invalid_json', 'invalid_payload', 'payload_too_large', 'method_not_allowed'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What Lumos was told: the reply's `response`, or for a 204 what it stands for. */
export const OUTCOMES = [...Object.values(LUMOS_RESPONSE), ...Object.values(DONE_OUTCOME)] as const;

/** The value published for anything outside a dimension's set. */
export const OTHER = 'other';
/** Longest provisioner name published as it is; dimension values may be up to 1,024 ASCII characters. */
const MAX_SYSTEM_LENGTH = 64;

function closedSet(values: readonly string[]): (value: string) => string {
  const allowed = new Set(values);
  return (value) => (allowed.has(value) ? value : OTHER);
}

/** An admin-written provisioner name ("Licence API", a host): ASCII letters, digits and `._:-` only, capped. */
export function systemDimension(value: string): string {
  const safe = value
    .trim()
    .replace(/[^A-Za-z0-9._:-]+/g, '_')
    .slice(0, MAX_SYSTEM_LENGTH);
  return /[A-Za-z0-9]/.test(safe) ? safe : OTHER;
}

const DIMENSIONS = {
  kind: closedSet([...WEBHOOK_KINDS, ...JOB_KINDS]),
  outcome: closedSet(OUTCOMES),
  reason: closedSet([...FAILURE_REASONS, ...REFUSAL_REASONS]),
  system: systemDimension,
} as const;
export type DimensionName = keyof typeof DIMENSIONS;

/**
 * Every metric and the dimension sets it is published under. CloudWatch does not add up
 * dimensions by itself, so a metric alarmed per kind is also published under `[kind]` alone.
 */
export const METRIC_DIMENSIONS = {
  /** Every call that got past the refusals, by what Lumos was answered. */
  Decisions: [['kind', 'outcome']],
  /** Calls refused before any check ran (401, 400, 405, 413, 422). */
  Refused: [['kind', 'reason']],
  /** Calls whose check could not run; each got the kind's safe reply. */
  Failures: [['kind'], ['kind', 'reason']],
  /** Rule items in scope of a decision that failed validation. */
  InvalidRulesInScope: [['kind']],
  /** Permissions a target system (or an invalid rule) failed to grant or remove. */
  ProvisioningFailures: [['kind'], ['kind', 'system']],
  /** Expiry sweeper, each run: grants whose removal is pending (failed, waiting for its next attempt). */
  PendingRemovals: [['kind']],
  /** Expiry sweeper, each run: grants still in place more than 30 minutes after they expired. */
  OverdueGrants: [['kind']],
  /** Expiry sweeper, each run: grants it removed. */
  ExpiredRemoved: [['kind']],
} as const satisfies Record<string, readonly (readonly DimensionName[])[]>;
export type MetricName = keyof typeof METRIC_DIMENSIONS;
/** Values for every dimension a metric is published with. */
export type DimensionsOf<M extends MetricName> = Record<(typeof METRIC_DIMENSIONS)[M][number][number], string>;
type SetValues<S> = S extends readonly DimensionName[] ? Record<S[number], string> : never;
/** Values for exactly one of a metric's dimension sets: how an alarm or a graph selects it. */
export type DimensionSetOf<M extends MetricName> = SetValues<(typeof METRIC_DIMENSIONS)[M][number]>;

export interface Metrics {
  count<M extends MetricName>(name: M, dimensions: DimensionsOf<M>, value?: number): void;
}

export class EmfMetrics extends EmfWriter implements Metrics {
  count<M extends MetricName>(name: M, dimensions: DimensionsOf<M>, value = 1): void {
    if (!Number.isFinite(value)) return;
    const members: Record<string, string> = {};
    for (const [key, raw] of Object.entries(dimensions) as [DimensionName, unknown][]) {
      const toValue = DIMENSIONS[key];
      // Keys are typed, but a caller's object may carry more at run time: only known dimensions pass.
      if (toValue !== undefined) members[key] = typeof raw === 'string' ? toValue(raw) : OTHER;
    }
    this.write(METRIC_DIMENSIONS[name], members, { [name]: value });
  }
}

/** The container's metrics. */
export const metrics = new EmfMetrics(namespaceFrom(process.env[METRICS_NAMESPACE_VAR]), sinkFromEnvironment());
