/**
 * The real implementations behind every interface, built once per container from the
 * configuration. Handlers and the local runtime both start here.
 */
import type { TokenSource } from '../http/token-source';
import { createSecretsManagerClient, EnvTokenSource, SecretsManagerTokenSource } from '../http/token-source';
import { DynamoAuditSink, type AuditSink } from '../store/audit-sink';
import { createDocumentClient } from '../store/dynamo-client';
import { DynamoRuleSource, type RuleSource } from '../store/rule-source';
import { DynamoStateSource, type StateSource } from '../store/state-source';
import type { Config } from './config';

export interface Dependencies {
  config: Config;
  rules: RuleSource;
  state: StateSource;
  audit: AuditSink;
  tokens: TokenSource;
  now: () => Date;
}

/** `dynamoEndpoint` points at DynamoDB Local (local runtime, tests); in Lambda it is absent. */
export function createDependencies(config: Config, dynamoEndpoint?: string): Dependencies {
  const documentClient = createDocumentClient(dynamoEndpoint);
  const tokens: TokenSource = config.TOKEN_SECRET_ID
    ? new SecretsManagerTokenSource(
        createSecretsManagerClient(),
        config.TOKEN_SECRET_ID,
        config.TOKEN_CACHE_SECONDS * 1000,
        config.TOKEN_REFRESH_MIN_SECONDS * 1000,
      )
    : new EnvTokenSource(config.LUMOS_WEBHOOK_TOKEN as string);
  return {
    config,
    rules: new DynamoRuleSource(documentClient, config.RULES_TABLE, config.RULE_CACHE_SECONDS * 1000),
    state: new DynamoStateSource(documentClient, config.STATE_TABLE),
    audit: new DynamoAuditSink(documentClient, config.AUDIT_TABLE, config.AUDIT_RETENTION_DAYS),
    tokens,
    now: () => new Date(),
  };
}
