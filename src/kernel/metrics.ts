/**
 * CloudWatch metrics in Embedded Metric Format: one JSON line on stdout per count, which
 * CloudWatch Logs turns into metrics. No client, no IAM permission (the function already writes
 * its own log group), nothing added to the cold start. Hand-written rather than Powertools
 * Metrics, which would add its load time to every cold start (docs/performance.md).
 *
 * Dimension values come only from closed sets, plus a provisioner name an admin configured
 * (sanitised); anything else is published as `other`, so no payload value can ever become a
 * dimension (each distinct value would be a new, billed metric and a place to leak data).
 */
import { WEBHOOK_KINDS } from '../lumos/payload';
import { LUMOS_RESPONSE } from '../lumos/replies';
import { FAILURE_REASONS } from './errors';

/** What the ledger's own jobs record and count as their kind, beside the webhook kinds: the sweeper, and a removal resolved by hand. */
export const JOB_KINDS = ['expiry_sweeper', 'grant_resolved'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Why a call was refused before any check ran: the reply's `error` value. */
export const REFUSAL_REASONS = ['unauthorized', 'invalid_json', 'invalid_payload', 'payload_too_large', 'method_not_allowed'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What Lumos was told: the reply's `response`, or for a 204 what it stands for. */
export const OUTCOMES = [...Object.values(LUMOS_RESPONSE), 'PROVISIONED', 'DEPROVISIONED'] as const;

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

/** The environment variable naming the namespace; the stack sets it, one namespace per deployment. */
export const METRICS_NAMESPACE_VAR = 'METRICS_NAMESPACE';
export const DEFAULT_METRICS_NAMESPACE = 'LumosWebhooks';

/** Receives one EMF document, without the trailing newline. */
export type MetricsSink = (line: string) => void;

export interface Metrics {
  count<M extends MetricName>(name: M, dimensions: DimensionsOf<M>, value?: number): void;
}

export class EmfMetrics implements Metrics {
  constructor(
    private readonly namespace: string,
    private sink: MetricsSink | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** `null` writes nothing (tests, `LOG_LEVEL=SILENT`). */
  setSink(sink: MetricsSink | null): void {
    this.sink = sink;
  }

  count<M extends MetricName>(name: M, dimensions: DimensionsOf<M>, value = 1): void {
    if (this.sink === null || !Number.isFinite(value)) return;
    const members: Record<string, string> = {};
    for (const [key, raw] of Object.entries(dimensions) as [DimensionName, unknown][]) {
      const toValue = DIMENSIONS[key];
      // Keys are typed, but a caller's object may carry more at run time: only known dimensions pass.
      if (toValue !== undefined) members[key] = typeof raw === 'string' ? toValue(raw) : OTHER;
    }
    const document = {
      _aws: {
        Timestamp: this.now(),
        CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: METRIC_DIMENSIONS[name], Metrics: [{ Name: name, Unit: 'Count' }] }],
      },
      ...members,
      [name]: value,
    };
    emit(this.sink, document);
  }
}

/** Writes one EMF document; a metric must never cost a reply or a run. */
export function emit(sink: MetricsSink, document: Record<string, unknown>): void {
  try {
    sink(JSON.stringify(document));
  } catch {
    // Dropped: the call or run goes on.
  }
}

/** Namespaces are ASCII without control characters and at most 255 long; anything else falls back. */
export function namespaceFrom(value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  return /^[\x20-\x7e]{1,255}$/.test(trimmed) && !trimmed.startsWith(':') ? trimmed : DEFAULT_METRICS_NAMESPACE;
}

/**
 * Where a container's metrics go: stdout, where Lambda hands EMF lines to CloudWatch, except with
 * `LOG_LEVEL=SILENT`, which writes nothing at all, metrics included (the test suite sets it to
 * keep its output clean); tests that check metrics install their own sink.
 */
export function sinkFromEnvironment(env: NodeJS.ProcessEnv = process.env): MetricsSink | null {
  if (env.LOG_LEVEL?.trim().toUpperCase() === 'SILENT') return null;
  return (line) => {
    process.stdout.write(`${line}\n`);
  };
}

/** The container's metrics. */
export const metrics = new EmfMetrics(namespaceFrom(process.env[METRICS_NAMESPACE_VAR]), sinkFromEnvironment());
