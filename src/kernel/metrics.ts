/**
 * CloudWatch metrics in Embedded Metric Format: one JSON line on stdout per document, which
 * CloudWatch Logs turns into metrics. No client, no IAM permission (the function already writes
 * its own log group), nothing added to the cold start. Hand-written rather than Powertools
 * Metrics, which would add its load time to every cold start (docs/performance.md).
 *
 * The writer names no metric: each family names its own and writes through it (the webhooks'
 * and the ledger's jobs' in src/audit/call-metrics.ts, the state sync's in
 * src/sync/sync-metrics.ts), so a bundle carries only the names it publishes.
 */

/** The environment variable naming the namespace; the stack sets it, one namespace per deployment. */
export const METRICS_NAMESPACE_VAR = 'METRICS_NAMESPACE';
export const DEFAULT_METRICS_NAMESPACE = 'LumosWebhooks';

/** Receives one EMF document, without the trailing newline. */
export type MetricsSink = (line: string) => void;

/** A metric's dimension sets: each the names of the members it is filed under. */
export type DimensionSets = readonly (readonly string[])[];

export class EmfWriter {
  constructor(
    private readonly namespace: string,
    private sink: MetricsSink | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** `null` writes nothing (tests, `LOG_LEVEL=SILENT`). */
  setSink(sink: MetricsSink | null): void {
    this.sink = sink;
  }

  /**
   * One document: every count in `counts` (a Count each, in that order) under each of the
   * dimension sets, whose values are `members`. `at` is the document's time, by default now.
   * A metric must never cost a reply or a run: a sink that throws drops the document.
   */
  protected write(dimensions: DimensionSets, members: Record<string, string>, counts: Record<string, number>, at?: number): void {
    if (this.sink === null) return;
    const document = {
      _aws: {
        Timestamp: at ?? this.now(),
        CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: dimensions, Metrics: Object.keys(counts).map((Name) => ({ Name, Unit: 'Count' })) }],
      },
      ...members,
      ...counts,
    };
    try {
      this.sink(JSON.stringify(document));
    } catch {
      // Dropped: the call or run goes on.
    }
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
