import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { TableAccess } from '../src/app/function-spec';
import { SYNC_READ_PARTITIONS, SYNC_WRITE_PARTITIONS } from '../src/store/sync-partitions';
import type { WebhookTable } from './tables';
import type { TokenSecret } from './token-secret';

/**
 * What a function may do to one table. Written out as explicit actions because the
 * `grant*Data` helpers also allow Scan, BatchWrite, UpdateItem and DeleteItem.
 * `append` keeps the audit trail append-only: a function can add records, never change them.
 * The state sync's `sync` is written out as statements with conditions (SYNC_STATEMENTS).
 */
const ACTIONS: Record<Exclude<TableAccess, 'sync'>, readonly string[]> = {
  // Every read the functions make is a Query (rules by app, state by person).
  read: ['dynamodb:Query'],
  append: ['dynamodb:PutItem'],
  // The grants ledger: one grant by key, a person's grants, version-checked puts. Items are never
  // deleted (a removed grant is kept as state "removed" until its TTL), so no DeleteItem.
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  // The expiry sweeper: the same, and queries of the grants due through the table's `due` index.
  readWriteIndexed: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
};

/**
 * The state sync (src/store/source-store.ts, synced-state-store.ts), statement by statement, each
 * only on its partitions (`dynamodb:LeadingKeys`; the Null check refuses a request without one):
 * sources, statuses and a schedule's shifts by Query;
 * synced items by a conditional PutItem, vanished ones by a conditional DeleteItem, each source's
 * status by a conditional UpdateItem. No BatchWriteItem (it takes no condition), GetItem or Scan,
 * and no write to the source items admins keep.
 */
export const SYNC_STATEMENTS: readonly { actions: readonly string[]; partitions: readonly string[] }[] = [
  { actions: ['dynamodb:Query'], partitions: SYNC_READ_PARTITIONS },
  { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], partitions: SYNC_WRITE_PARTITIONS },
];

/** Grants one access level to one table and tells the function the table's name, in one call. */
export function grantTable(fn: lambda.Function, { definition, table }: WebhookTable, level: TableAccess): void {
  const resources = [table.tableArn];
  // Only reads use indexes; listing them only when they exist keeps the policy exact.
  if (level === 'read' && definition.indexes.length > 0) resources.push(`${table.tableArn}/index/*`);
  // Named one by one: the sweeper may query the `due` index, and a later index is not granted by default.
  if (level === 'readWriteIndexed') resources.push(...definition.indexes.map((index) => `${table.tableArn}/index/${index.name}`));
  if (level === 'sync') {
    for (const { actions, partitions } of SYNC_STATEMENTS) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...actions],
          resources,
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        }),
      );
    }
  } else {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...ACTIONS[level]], resources }));
  }
  fn.addEnvironment(definition.envVar, table.tableName);
}

/** Lets the function read the token secret's value (without DescribeSecret, which `grantRead` adds). */
export function grantTokenRead(fn: lambda.Function, token: TokenSecret): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [token.readArn] }));
  fn.addEnvironment('TOKEN_SECRET_ID', token.secretId);
}

/** Secrets whose names start with the prefix, in the stack's account and region. */
function secretsUnder(fn: lambda.Function, prefix: string): string {
  return Stack.of(fn).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** Lets the function read connector secrets (http provisioner) whose names start with the prefix, and only those. */
export function grantConnectorSecrets(fn: lambda.Function, prefix: string): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretsUnder(fn, prefix)] }));
  fn.addEnvironment('CONNECTOR_SECRET_PREFIX', prefix);
}

/**
 * Lets the function (the state sync) read state sources' secrets whose names start with the
 * source prefix, and during an upgrade also those under the legacy prefix; nothing else.
 */
export function grantSourceSecrets(fn: lambda.Function, prefix: string, legacyPrefix: string | undefined): void {
  const resources = [secretsUnder(fn, prefix), ...(legacyPrefix === undefined ? [] : [secretsUnder(fn, legacyPrefix)])];
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources }));
  fn.addEnvironment('SOURCE_SECRET_PREFIX', prefix);
  if (legacyPrefix !== undefined) fn.addEnvironment('LEGACY_SOURCE_SECRET_PREFIX', legacyPrefix);
}
