import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../src/store/table-definitions';
import { pascalCase } from './names';

/** A deployed table together with the definition it was built from (keys, indexes, env var). */
export interface WebhookTable {
  readonly definition: TableDefinition;
  readonly table: dynamodb.TableV2;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** Builds one on-demand table from its shared definition, so keys and indexes are written once (in src/). */
export function buildTable(scope: Construct, definition: TableDefinition): WebhookTable {
  const table = new dynamodb.TableV2(scope, `${pascalCase(definition.id)}Table`, {
    partitionKey: stringKey(definition.partitionKey),
    sortKey: stringKey(definition.sortKey),
    billing: dynamodb.Billing.onDemand(),
    timeToLiveAttribute: definition.ttlAttribute,
    globalSecondaryIndexes: definition.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: stringKey(index.partitionKey),
      sortKey: stringKey(index.sortKey),
    })),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Encrypted with the account's AWS managed key (aws/dynamodb) rather than one DynamoDB owns:
    // the key is visible in the account and every use of it shows in CloudTrail, which a security
    // review can check; nothing to rotate or manage, and DynamoDB caches its data keys, so KMS
    // costs stay negligible. A customer managed key would add a key policy to own and $1 a month.
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    // Rules, state, grants and the audit trail outlive the stack: deleting it must not delete
    // them (retain), and neither may a console click or an API call (deletion protection).
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
  return { definition, table };
}
