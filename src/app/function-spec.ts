/**
 * One object per deployed function: what the handler, the local server, the stack and the bench
 * all read, so a new function is one file in src/app/functions/ plus its entry in the list. A
 * webhook has a route; a scheduled function (the expiry sweeper, the state sync) a schedule.
 */

import type { ScheduledService } from '../kernel/scheduled-service';
import type { WebhookKind } from '../lumos/payload';
import type { FailMode } from '../services/fail-mode';
import type { KindService } from '../services/kind-service';
import type { TableDefinition } from '../store/table-definitions';
import type { Container } from './container';

/**
 * What a function may do to one table: `append` keeps the audit trail append-only;
 * `readWriteIndexed` is `readWrite` plus queries of the table's indexes (the sweeper's `due`);
 * `sync` is what the state sync does to the state table: queries and batch reads, and conditional
 * puts, updates and deletes only in the partitions it owns (synced shifts and training records,
 * its sources' statuses), never a batch write.
 */
export type TableAccess = 'read' | 'append' | 'readWrite' | 'readWriteIndexed' | 'sync';

/** Deployment settings (the stack's context) some functions read. */
export interface FunctionSettings {
  readonly validationFailMode: FailMode;
  /** What a requester reads while an invalid rule blocks request validation; unset: the built-in text. */
  readonly validationMisconfiguredMessage?: string;
}

/** What the stack and the bench read of any function, webhook or scheduled. */
export interface FunctionSpec {
  /** `src/handlers/<slug>.ts`, `dist/<slug>/index.js`; a webhook's route `POST /<slug>`. */
  readonly slug: string;
  /** Tables the function may use, and how; a table not listed is neither granted nor named to it. */
  readonly tables: Partial<Record<TableDefinition['id'], TableAccess>>;
  /** Reads connector secrets (http provisioner) under the deployment's connector prefix. */
  readonly connectorSecrets?: boolean;
  /** Reads state sources' secrets under the deployment's source secret prefix (the state sync only). */
  readonly sourceSecrets?: boolean;
}

/** Deployment settings (the stack's context) a scheduled function runs by. */
export interface ScheduleSettings {
  /** The expiry sweeper's interval, minutes (context `sweepMinutes`). */
  readonly sweepMinutes: number;
  /** The state sync's interval, minutes (context `stateSyncMinutes`). */
  readonly stateSyncMinutes: number;
}

/**
 * A function run on a schedule (an EventBridge rule in AWS, a timer under `npm start`): no
 * route, no token, no payload; its service runs once per tick within the function's timeout.
 */
export interface ScheduledFunctionSpec extends FunctionSpec {
  readonly trigger: 'scheduled';
  /** The job's description, for the rule, the role and the logs. */
  readonly description: string;
  /** Builds the job from the container and the parts it needs (src/app/parts/): only those are bundled. */
  readonly service: (container: Container) => ScheduledService;
  /** Minutes between runs, from the deployment's settings. */
  readonly everyMinutes: (settings: ScheduleSettings) => number;
  /** The function's timeout, seconds; the run's deadline is this less a margin. */
  readonly timeoutSeconds: number;
}

export interface WebhookFunctionSpec extends FunctionSpec {
  /** The webhook kind of the payload and replies. */
  readonly kind: WebhookKind;
  /** Builds the service from the container and the parts it needs (src/app/parts/): only those are bundled. */
  readonly service: (container: Container) => KindService;
  /** Environment the function needs beyond tables and token. */
  readonly environment?: (settings: FunctionSettings) => Record<string, string>;
}
