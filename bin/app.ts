/**
 * The CDK app. Context (`-c key=value` or cdk.json): `stackName` (default LumosWebhooks),
 * `tokenSecretName` (use an existing secret; default: the stack creates one), `authHeader`
 * (default authorization), `validationFailMode` (`closed`, the default, or `open`),
 * `connectorSecretPrefix` (default `lumos-connectors/`). `PREBUNDLED=1` deploys the bundles of `npm run build` from dist/.
 */
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { WebhookStack } from '../lib/webhook-stack';

const app = new App();

/** A context value as a non-empty string, or undefined when unset; anything else is a typo worth stopping for. */
function stringContext(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`context ${key} must be a non-empty string`);
  }
  return value.trim();
}

function failMode(value: string | undefined): 'closed' | 'open' | undefined {
  if (value === undefined || value === 'closed' || value === 'open') return value;
  throw new Error('context validationFailMode must be "closed" or "open"');
}

new WebhookStack(app, stringContext('stackName') ?? 'LumosWebhooks', {
  description: 'Receiver for Lumos inline webhooks',
  tokenSecretName: stringContext('tokenSecretName'),
  authHeader: stringContext('authHeader'),
  validationFailMode: failMode(stringContext('validationFailMode')),
  connectorSecretPrefix: stringContext('connectorSecretPrefix'),
  prebundledDir: process.env.PREBUNDLED === '1' ? path.join(__dirname, '..', 'dist') : undefined,
});
