import type { TableDefinition } from '../src/store/table-definitions';
import type { AccessLevel } from './access';

/** One deployed webhook: its route and handler file name, and what its function may touch. */
export interface WebhookSpec {
  /** `POST /<kind>`, handler `src/handlers/<kind>.ts`. */
  readonly kind: string;
  /** Tables the function may use, and how; a table not listed is neither granted nor named to it. */
  readonly access: Partial<Record<TableDefinition['id'], AccessLevel>>;
}

/** Every webhook the stack deploys: adding a kind is adding its line here. */
export const WEBHOOKS: readonly WebhookSpec[] = [
  { kind: 'pre-approval', access: { rules: 'read', state: 'read', audit: 'append' } },
];
