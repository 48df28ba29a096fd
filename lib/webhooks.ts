import type { TableDefinition } from '../src/store/table-definitions';
import type { AccessLevel } from './access';

/** Deployment settings some kinds read (from the app's context). */
export interface WebhookSettings {
  readonly validationFailMode: 'closed' | 'open';
  /** What a requester reads while an invalid rule blocks request validation; unset: the built-in text. */
  readonly validationMisconfiguredMessage?: string;
}

/** One deployed webhook: its route and handler file name, and what its function may touch. */
export interface WebhookSpec {
  /** `POST /<kind>`, handler `src/handlers/<kind>.ts`. */
  readonly kind: string;
  /** Tables the function may use, and how; a table not listed is neither granted nor named to it. */
  readonly access: Partial<Record<TableDefinition['id'], AccessLevel>>;
  /** Reads connector secrets (http provisioner) under the deployment's prefix. */
  readonly connectorSecrets?: boolean;
  /** Environment the kind needs beyond tables and token. */
  readonly environment?: (settings: WebhookSettings) => Record<string, string>;
}

/** Every webhook the stack deploys: adding a kind is adding its line here. */
export const WEBHOOKS: readonly WebhookSpec[] = [
  { kind: 'pre-approval', access: { rules: 'read', state: 'read', audit: 'append' } },
  {
    kind: 'request-validation',
    access: { rules: 'read', state: 'read', audit: 'append' },
    environment: (settings) => ({
      VALIDATION_FAIL_MODE: settings.validationFailMode,
      ...(settings.validationMisconfiguredMessage === undefined ? {} : { VALIDATION_MISCONFIGURED_MESSAGE: settings.validationMisconfiguredMessage }),
    }),
  },
  { kind: 'provisioning', access: { rules: 'read', grants: 'readWrite', audit: 'append' }, connectorSecrets: true },
  { kind: 'deprovisioning', access: { grants: 'readWrite', audit: 'append' }, connectorSecrets: true },
];
