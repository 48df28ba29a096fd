/**
 * One object per deployed function: what the handler, the local server, the stack and the bench
 * all read, so a new function is one file in src/app/functions/ plus its entry in the list.
 */
import type { WebhookKind } from '../lumos/payload';
import type { FailMode } from '../services/fail-mode';
import type { KindService } from '../services/kind-service';
import type { TableDefinition } from '../store/table-definitions';
import type { Container } from './container';

/** What a function may do to one table: `append` keeps the audit trail append-only. */
export type TableAccess = 'read' | 'append' | 'readWrite';

/** Deployment settings (the stack's context) some functions read. */
export interface FunctionSettings {
  readonly validationFailMode: FailMode;
  /** What a requester reads while an invalid rule blocks request validation; unset: the built-in text. */
  readonly validationMisconfiguredMessage?: string;
}

export interface WebhookFunctionSpec {
  /** The webhook kind of the payload and replies. */
  readonly kind: WebhookKind;
  /** `POST /<slug>`, `src/handlers/<slug>.ts`, `dist/<slug>/index.js`. */
  readonly slug: string;
  /** Builds the service from the container and the parts it needs (src/app/parts/): only those are bundled. */
  readonly service: (container: Container) => KindService;
  /** Tables the function may use, and how; a table not listed is neither granted nor named to it. */
  readonly tables: Partial<Record<TableDefinition['id'], TableAccess>>;
  /** Reads connector secrets (http provisioner) under the deployment's prefix. */
  readonly connectorSecrets?: boolean;
  /** Environment the function needs beyond tables and token. */
  readonly environment?: (settings: FunctionSettings) => Record<string, string>;
}
