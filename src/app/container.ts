/**
 * What every function builds at init, once per container, from the configuration: the document
 * client, the audit sink, the token source and (on first use) the Secrets Manager client. The
 * stores and provisioners only some functions use are built by src/app/parts/, which a
 * function's spec imports, so a bundle holds the implementations its function calls and no
 * others (a smaller bundle loads faster: docs/performance.md).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { metrics } from '../audit/call-metrics';
import { MeteredAuditSink } from '../audit/metered-sink';
import type { AuditSink } from '../audit/record';
import { EnvTokenSource, SecretsManagerTokenSource, type TokenSource } from '../http/token-source';
import { ConfigError } from '../kernel/errors';
import { DynamoAuditSink } from '../store/audit-sink';
import { createDocumentClient } from '../store/dynamo-client';
import { createSecretsManagerClient } from '../store/secret-reader';
import type { TableDefinition } from '../store/table-definitions';
import type { Config } from './config';

export type TableVar = TableDefinition['envVar'];

export interface Container {
  readonly config: Config;
  readonly documentClient: DynamoDBDocumentClient;
  /** A table's name; asking for one the function was not given is a configuration error. */
  table(name: TableVar): string;
  readonly secretsManager: SecretsManagerClient;
  readonly audit: AuditSink;
  readonly tokens: TokenSource;
  readonly now: () => Date;
  /** Identity of this container's parts: two views of one container share them (see `perContainer`). */
  readonly identity: object;
}

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

/** `dynamoEndpoint` points at DynamoDB Local (local runtime, tests); in Lambda it is absent. `now` is the clock every part reads: the real one, unless a test brings its own. */
export function createContainer(config: Config, dynamoEndpoint?: string, now: () => Date = () => new Date()): Container {
  const documentClient = createDocumentClient(dynamoEndpoint);
  const table = (name: TableVar): string => {
    const value = config[name];
    if (!value) throw new ConfigError(`${name} is not set for this function`);
    return value;
  };
  const secretsManager = once(createSecretsManagerClient);
  // Metered: invalid rules in scope and target-system failures are counted from the audit record.
  const audit = once(() => new MeteredAuditSink(new DynamoAuditSink(documentClient, table('AUDIT_TABLE'), config.AUDIT_RETENTION_DAYS), metrics));
  const tokens = once(
    (): TokenSource =>
      config.TOKEN_SECRET_ID
        ? new SecretsManagerTokenSource(secretsManager(), config.TOKEN_SECRET_ID, config.TOKEN_CACHE_SECONDS * 1000, config.TOKEN_REFRESH_MIN_SECONDS * 1000)
        : new EnvTokenSource(config.LUMOS_WEBHOOK_TOKEN as string),
  );
  return {
    config,
    documentClient,
    table,
    get secretsManager() {
      return secretsManager();
    },
    get audit() {
      return audit();
    },
    get tokens() {
      return tokens();
    },
    now,
    identity: {},
  };
}

/** A part built once per container, however many services ask for it (the local runtime's four share one rule cache). */
export function perContainer<T>(make: (container: Container) => T): (container: Container) => T {
  const built = new WeakMap<object, T>();
  return (container) => {
    const known = built.get(container.identity);
    if (known !== undefined) return known;
    const value = make(container);
    built.set(container.identity, value);
    return value;
  };
}
