/**
 * The state sync's metrics, written through the EMF writer (src/kernel/metrics.ts) under the
 * same namespace as the others, but in a module of their own: only the state-sync bundle carries
 * their names. One document per run holds the counts under `kind` = `state_sync` (what the alarms
 * watch), and one per source its share under `kind` and `source`.
 */
import { EmfWriter, METRICS_NAMESPACE_VAR, namespaceFrom, sinkFromEnvironment } from '../kernel/metrics';

export const SYNC_METRIC_KIND = 'state_sync';

/** As src/sync/source-item.ts allows a source id. */
const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Every metric the sync publishes, each under `[kind]`. */
export const SYNC_METRIC_NAMES = [
  /** Shift and training items the run wrote. */
  'ItemsSynced',
  /** Sources whose run failed, or that were refused (malformed, a name another source owns). */
  'SourcesFailed',
  /** Sources with a schedule not read whole within their stale_after (or never), or a failing source whose last success is older. */
  'SourcesStale',
  /** Schedules a page or listing of which could not be read this run (every one of a failed source): their vanished shifts were kept. */
  'SchedulesIncomplete',
] as const;
export type SyncMetricName = (typeof SYNC_METRIC_NAMES)[number];

/**
 * A warning while a deployment moves its sources' secrets (docs/deploy.md, "Moving source
 * secrets"): one per read of a source's secret under the legacy prefix, under `[kind]`. No data
 * once every source's secret is under the source secret prefix.
 */
export const LEGACY_SOURCE_SECRETS_METRIC = 'LegacySourceSecrets';

export class SyncMetrics extends EmfWriter {
  /**
   * One run's counts, zero included, so a graph shows the level and the alarm sees the all-clear.
   * `at` is the run's start: runs start once an interval, so each lands in its own alarm period
   * however long it took (a run ending in the next period would leave one empty).
   */
  publish(counts: Record<SyncMetricName, number>, at?: number): void {
    this.write([['kind']], { kind: SYNC_METRIC_KIND }, inOrder(counts), at);
  }

  /**
   * One source's share of the run, under `[kind, source]`: which source fails or goes stale, on a
   * graph. Source ids are admin text, but the source item allows only letters, digits and `._-`;
   * anything else (a refused, malformed item) is counted as `invalid`.
   */
  publishSource(source: string, counts: Record<SyncMetricName, number>, at?: number): void {
    this.write([['kind', 'source']], { kind: SYNC_METRIC_KIND, source: SOURCE_ID.test(source) ? source : 'invalid' }, inOrder(counts), at);
  }

  /** One read of a source's secret under the legacy prefix. */
  countLegacySourceSecret(): void {
    this.write([['kind']], { kind: SYNC_METRIC_KIND }, { [LEGACY_SOURCE_SECRETS_METRIC]: 1 });
  }
}

/** Every sync metric, in one order whatever the caller's object holds. */
function inOrder(counts: Record<SyncMetricName, number>): Record<SyncMetricName, number> {
  return Object.fromEntries(SYNC_METRIC_NAMES.map((name) => [name, counts[name]])) as Record<SyncMetricName, number>;
}

/** The function's sync metrics, written where the other metrics go. */
export const syncMetrics = new SyncMetrics(namespaceFrom(process.env[METRICS_NAMESPACE_VAR]), sinkFromEnvironment());
