import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { TableAccess } from '../src/app/function-spec';
import type { WebhookTable } from './tables';
import type { TokenSecret } from './token-secret';

/**
 * What a function may do to one table. Written out as explicit actions because the
 * `grant*Data` helpers also allow Scan, BatchWrite, UpdateItem and DeleteItem.
 * `append` keeps the audit trail append-only: a function can add records, never change them.
 */
const ACTIONS: Record<TableAccess, readonly string[]> = {
  // Every read the functions make is a Query (rules by app, state by person).
  read: ['dynamodb:Query'],
  append: ['dynamodb:PutItem'],
  // The grants ledger: one grant by key, a person's grants, version-checked puts. Items are never
  // deleted (a removed grant is kept as state "removed" until its TTL), so no DeleteItem.
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  // The expiry sweeper: the same, and queries of the grants due through the table's `due` index.
  readWriteIndexed: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  // The state sync (src/store/source-store.ts, synced-state-store.ts): sources, statuses and a
  // schedule's shifts by Query, existing training keys by BatchGetItem, synced items by
  // BatchWriteItem (puts only), vanished ones by a conditional DeleteItem, each source's status by
  // a conditional UpdateItem. No GetItem, PutItem or Scan.
  sync: ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
};

/** Grants one access level to one table and tells the function the table's name, in one call. */
export function grantTable(fn: lambda.Function, { definition, table }: WebhookTable, level: TableAccess): void {
  const resources = [table.tableArn];
  // Only reads use indexes; listing them only when they exist keeps the policy exact.
  if (level === 'read' && definition.indexes.length > 0) resources.push(`${table.tableArn}/index/*`);
  // Named one by one: the sweeper may query the `due` index, and a later index is not granted by default.
  if (level === 'readWriteIndexed') resources.push(...definition.indexes.map((index) => `${table.tableArn}/index/${index.name}`));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...ACTIONS[level]], resources }));
  fn.addEnvironment(definition.envVar, table.tableName);
}

/** Lets the function read the token secret's value (without DescribeSecret, which `grantRead` adds). */
export function grantTokenRead(fn: lambda.Function, token: TokenSecret): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [token.readArn] }));
  fn.addEnvironment('TOKEN_SECRET_ID', token.secretId);
}

/** Lets the function read connector secrets (http provisioner) whose names start with the prefix, and only those. */
export function grantConnectorSecrets(fn: lambda.Function, prefix: string): void {
  const arn = Stack.of(fn).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [arn] }));
  fn.addEnvironment('CONNECTOR_SECRET_PREFIX', prefix);
}
