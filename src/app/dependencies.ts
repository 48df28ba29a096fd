/**
 * The real implementations behind every interface, built once per container from the
 * configuration, each on first use: a function is given only the tables it needs, and asking
 * for one it was not given is a configuration error. Handlers and the local runtime start here.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MeteredAuditSink } from '../audit/metered-sink';
import type { AuditSink } from '../audit/record';
import type { TokenSource } from '../http/token-source';
import { EnvTokenSource, SecretsManagerTokenSource } from '../http/token-source';
import { ConfigError } from '../kernel/errors';
import { metrics } from '../kernel/metrics';
import { SecretsManagerConnectorSecrets } from '../provisioners/connector-secrets';
import { ProvisionerDispatch, type Provisioners } from '../provisioners/dispatch';
import { HttpProvisioner } from '../provisioners/http-provisioner';
import { DynamoAuditSink } from '../store/audit-sink';
import { createDocumentClient } from '../store/dynamo-client';
import { DynamoGrantLedger, type GrantLedger } from '../store/grant-ledger';
import { DynamoRuleSource, type RuleSource } from '../store/rule-source';
import { createSecretsManagerClient } from '../store/secret-reader';
import { DynamoStateSource, type StateSource } from '../store/state-source';
import type { TableDefinition } from '../store/table-definitions';
import type { Config } from './config';

export interface Dependencies {
  readonly config: Config;
  readonly rules: RuleSource;
  readonly state: StateSource;
  readonly audit: AuditSink;
  readonly grants: GrantLedger;
  readonly tokens: TokenSource;
  readonly secretsManager: SecretsManagerClient;
  readonly provisioners: Provisioners;
  readonly now: () => Date;
}

type TableVar = TableDefinition['envVar'];

/** `dynamoEndpoint` points at DynamoDB Local (local runtime, tests); in Lambda it is absent. */
export function createDependencies(config: Config, dynamoEndpoint?: string): Dependencies {
  const documentClient = createDocumentClient(dynamoEndpoint);
  const table = (name: TableVar): string => {
    const value = config[name];
    if (!value) throw new ConfigError(`${name} is not set for this function`);
    return value;
  };
  const once = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const secretsManager = once(createSecretsManagerClient);
  const rules = once(() => new DynamoRuleSource(documentClient, table('RULES_TABLE'), config.RULE_CACHE_SECONDS * 1000));
  const state = once(() => new DynamoStateSource(documentClient, table('STATE_TABLE')));
  // Metered: invalid rules in scope and target-system failures are counted from the audit record.
  const audit = once(() => new MeteredAuditSink(new DynamoAuditSink(documentClient, table('AUDIT_TABLE'), config.AUDIT_RETENTION_DAYS), metrics));
  const grants = once(() => new DynamoGrantLedger(documentClient, table('GRANTS_TABLE')));
  const tokens = once(
    (): TokenSource =>
      config.TOKEN_SECRET_ID
        ? new SecretsManagerTokenSource(secretsManager(), config.TOKEN_SECRET_ID, config.TOKEN_CACHE_SECONDS * 1000, config.TOKEN_REFRESH_MIN_SECONDS * 1000)
        : new EnvTokenSource(config.LUMOS_WEBHOOK_TOKEN as string),
  );
  const provisioners = once(
    () => new ProvisionerDispatch(new HttpProvisioner(new SecretsManagerConnectorSecrets(secretsManager(), config.CONNECTOR_SECRET_PREFIX))),
  );
  return {
    config,
    get rules() {
      return rules();
    },
    get state() {
      return state();
    },
    get audit() {
      return audit();
    },
    get grants() {
      return grants();
    },
    get tokens() {
      return tokens();
    },
    get secretsManager() {
      return secretsManager();
    },
    get provisioners() {
      return provisioners();
    },
    now: () => new Date(),
  };
}
