/**
 * What each function must get in the default stack, written out here rather than read from the
 * function specs, so a wrong table access or secret in src/app/functions/ fails a test.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import type { TableAccess } from '../../../src/app/function-spec';
import { SCHEDULED_FUNCTIONS, WEBHOOK_FUNCTIONS } from '../../../src/app/functions';
import { TABLE_DEFINITIONS, type TableDefinition } from '../../../src/store/table-definitions';
import { arnOf, conditionalPair, connectorSecretArn, pair, type Synthesized, synth, tableLogicalId } from './stack-template';

/** The slugs of the deployed functions (the URL path of each). */
export const KINDS: readonly string[] = WEBHOOK_FUNCTIONS.map((webhook) => webhook.slug);
/** The slugs of the functions run on a schedule (the expiry sweeper, the state sync). */
export const SCHEDULED_SLUGS: readonly string[] = SCHEDULED_FUNCTIONS.map((spec) => spec.slug);
/** Every deployed function: webhooks and scheduled ones. */
export const FUNCTION_SLUGS: readonly string[] = [...KINDS, ...SCHEDULED_SLUGS];

/** What one kind's function must get in the default stack. */
export interface KindExpectation {
  /** Tables the function may touch, and how; a table not listed must be neither granted nor named to it. */
  readonly access: Readonly<Partial<Record<TableDefinition['id'], TableAccess>>>;
  /** Environment beyond AUTH_HEADER, TOKEN_SECRET_ID and the table names. */
  readonly environment: Readonly<Record<string, string>>;
  /** Reads connector secrets, and only those under the deployment's prefix (`<prefix>*`). */
  readonly connectorSecrets: boolean;
}

/** The expectation per kind. Adding a function means adding its row here. */
export const EXPECTED: Readonly<Record<string, KindExpectation>> = {
  'pre-approval': {
    access: { rules: 'read', state: 'read', audit: 'append' },
    environment: {},
    connectorSecrets: false,
  },
  'request-validation': {
    access: { rules: 'read', state: 'read', audit: 'append' },
    environment: { VALIDATION_FAIL_MODE: 'closed' },
    connectorSecrets: false,
  },
  provisioning: {
    access: { rules: 'read', grants: 'readWrite', audit: 'append' },
    environment: { CONNECTOR_SECRET_PREFIX: 'lumos-connectors/' },
    connectorSecrets: true,
  },
  deprovisioning: {
    access: { grants: 'readWrite', audit: 'append' },
    environment: { CONNECTOR_SECRET_PREFIX: 'lumos-connectors/' },
    connectorSecrets: true,
  },
};

export function expectationOf(kind: string): KindExpectation {
  const expectation = EXPECTED[kind];
  if (expectation === undefined) throw new Error(`EXPECTED has no row for ${kind}`);
  return expectation;
}

/** The kinds whose row reads connector secrets, and the others. */
export const CONNECTOR_KINDS = KINDS.filter((kind) => EXPECTED[kind]?.connectorSecrets === true);
export const OTHER_KINDS = KINDS.filter((kind) => EXPECTED[kind]?.connectorSecrets !== true);

/** The connector-secret prefix of a stack without `connectorSecretPrefix`. */
export const DEFAULT_CONNECTOR_PREFIX = 'lumos-connectors/';
/** The source-secret prefix of a stack named `stackName` without `sourceSecretPrefix`: the name, literally. */
export const defaultSourcePrefix = (stackName: string): string => `lumos-sources/${stackName}/`;

/** The DynamoDB actions each access level allows, and no more (the `grant*Data` helpers allow more). */
export const ACTIONS = {
  read: ['dynamodb:Query'],
  append: ['dynamodb:PutItem'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  readWriteIndexed: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
} as const satisfies Record<Exclude<TableAccess, 'sync'>, readonly string[]>;

/**
 * The state sync's grants on the state table, written out: reads (Query) of the source items,
 * their statuses and the shifts, writes (PutItem, UpdateItem, DeleteItem) of the partitions it owns, each
 * only with a partition key (`dynamodb:LeadingKeys`) in those; no BatchWriteItem, GetItem or Scan.
 */
export const SYNC_READ_PARTITIONS = ['sources', 'source-status', 'oncall#*'];
export const SYNC_WRITE_PARTITIONS = ['oncall#*', 'training#*', 'source-status'];
export const partitionCondition = (partitions: readonly string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] },
  Null: { 'dynamodb:LeadingKeys': 'false' },
});
export function syncStatePairs(stateArn: unknown): string[] {
  return [
    conditionalPair('dynamodb:Query', stateArn, partitionCondition(SYNC_READ_PARTITIONS)),
    ...['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].map((action) =>
      conditionalPair(action, stateArn, partitionCondition(SYNC_WRITE_PARTITIONS)),
    ),
  ];
}

/** Reading connector secrets under `prefix`, the one grant a kind with the flag gets for them. */
export const connectorPair = (prefix: string): string => pair('secretsmanager:GetSecretValue', connectorSecretArn(prefix));
/** Reading state sources' secrets under `prefix` (the state sync's grant; a legacy prefix is one more such pair). */
export const sourceSecretsPair = (prefix: string): string => pair('secretsmanager:GetSecretValue', connectorSecretArn(prefix));

/**
 * The pairs a kind's expectation allows: its tables at their levels, reading the token secret at
 * `secretResource` and, with the flag, reading the connector secrets under `connectorPrefix`.
 */
export function expectedPairs(
  template: Template,
  expectation: KindExpectation,
  secretResource: unknown,
  connectorPrefix: string = DEFAULT_CONNECTOR_PREFIX,
): string[] {
  const pairs = [pair('secretsmanager:GetSecretValue', secretResource)];
  if (expectation.connectorSecrets) pairs.push(connectorPair(connectorPrefix));
  for (const definition of TABLE_DEFINITIONS) {
    const level = expectation.access[definition.id];
    if (level === undefined) continue;
    if (level === 'sync') throw new Error('the sync level is written out by syncStatePairs');
    const arn = arnOf(tableLogicalId(template, definition));
    // Reads may use the table's indexes, so an indexed table's reads also name its index ARNs.
    const resources: unknown[] =
      (level === 'read' || level === 'readWriteIndexed') && definition.indexes.length > 0 ? [arn, { 'Fn::Join': ['', [arn, '/index/*']] }] : [arn];
    for (const action of ACTIONS[level]) for (const resource of resources) pairs.push(pair(action, resource));
  }
  return pairs.sort();
}

/** The three stacks the grant checks compare: the default, an imported token secret, another connector prefix. */
export interface Variants {
  readonly created: Synthesized;
  readonly imported: Synthesized;
  readonly acme: Synthesized;
}

export function synthVariants(): Variants {
  return {
    created: synth(),
    imported: synth({ tokenSecretName: 'lumos/webhook-token', authHeader: 'x-lumos-token' }),
    acme: synth({ connectorSecretPrefix: 'acme/' }),
  };
}

/** Every variant with its name and connector-secret prefix, for the checks that hold in all of them. */
export function eachVariant({ created, imported, acme }: Variants): [string, Synthesized, string][] {
  return [
    ['default', created, DEFAULT_CONNECTOR_PREFIX],
    ['imported secret', imported, DEFAULT_CONNECTOR_PREFIX],
    ['acme/ prefix', acme, 'acme/'],
  ];
}
