/**
 * The environment a function sees in Lambda at init, for the load-time children and the
 * in-process handler. Dummy credentials and a fixed region: nothing here may reach AWS.
 */
import { tableNames } from '../../src/store/create-tables';

export const TABLE_PREFIX = 'bench-';
export const TABLE_NAMES = tableNames(TABLE_PREFIX);

const AWS_BASICS = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // Node 20 here; Lambda runs 22/24, where the SDK prints no such warning.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
} as const;

/**
 * For `node -e` children: only PATH is inherited, so no NODE_OPTIONS (tsx's loader) or
 * NODE_EXTRA_CA_CERTS inflates one variant; the token comes from a secret as in AWS.
 */
export function lambdaInitEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...TABLE_NAMES, ...AWS_BASICS, TOKEN_SECRET_ID: 'bench-token' };
}

/** For the in-process handler: DynamoDB at `endpoint`, a fixed token instead of the secret, quiet logs. */
export function applyHandlerEnv(endpoint: string, token: string): void {
  Object.assign(process.env, TABLE_NAMES, AWS_BASICS, {
    LUMOS_WEBHOOK_TOKEN: token,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    // SILENT also keeps the functions' metric lines (EMF) out of the report.
    LOG_LEVEL: 'SILENT',
  });
  delete process.env.TOKEN_SECRET_ID;
  // Would override LOG_LEVEL in the logger.
  delete process.env.AWS_LAMBDA_LOG_LEVEL;
}
