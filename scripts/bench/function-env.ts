/**
 * The environment one function has in Lambda at init, as the stack sets it (lib/webhook-stack.ts,
 * lib/access.ts): its own tables, the token secret, the connector prefix where it reads connector
 * secrets, its settings. With it, a load child builds the clients and stores Lambda's would.
 */
import type { WebhookFunctionSpec } from '../../src/app/function-spec';
import { METRICS_NAMESPACE_VAR } from '../../src/kernel/metrics';
import { DEFAULT_CONNECTOR_SECRET_PREFIX } from '../../src/store/secret-prefix';
import { TABLE_DEFINITIONS } from '../../src/store/table-definitions';
import { lambdaInitEnv } from './env';

export function functionInitEnv(spec: WebhookFunctionSpec): NodeJS.ProcessEnv {
  const env = lambdaInitEnv();
  for (const table of TABLE_DEFINITIONS) {
    if (spec.tables[table.id] === undefined) delete env[table.envVar];
  }
  return {
    ...env,
    AUTH_HEADER: 'authorization',
    [METRICS_NAMESPACE_VAR]: 'LumosWebhooksBench',
    ...(spec.connectorSecrets ? { CONNECTOR_SECRET_PREFIX: DEFAULT_CONNECTOR_SECRET_PREFIX } : {}),
    ...spec.environment?.({ validationFailMode: 'closed' }),
  };
}
