/**
 * Every page of a scan of a table whose items are keyed by outside values (the audit and grants
 * tables), read through the item codec (src/store/item-codec.ts): an intake field or a hold named
 * `__proto__` is read as the data it is, never dropped.
 */
import { ScanCommand, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AttributeMap, decodeItem, encodeItem, type ItemRecord } from '../../../store/item-codec';

export interface ItemScan extends Omit<ScanCommandInput, 'ExclusiveStartKey' | 'ExpressionAttributeValues'> {
  ExpressionAttributeValues?: Record<string, unknown>;
}

export interface ItemPage {
  items: ItemRecord[];
  scanned: number;
}

export async function* scanItemPages(client: DynamoDBDocumentClient, scan: ItemScan, abortSignal?: AbortSignal): AsyncGenerator<ItemPage> {
  const { ExpressionAttributeValues: values, ...input } = scan;
  const encodedValues = values === undefined ? {} : { ExpressionAttributeValues: encodeItem(values) };
  let start: AttributeMap | undefined;
  do {
    const page = await client.send(new ScanCommand({ ...input, ...encodedValues, ExclusiveStartKey: start }), abortSignal === undefined ? {} : { abortSignal });
    yield { items: (page.Items ?? []).map(decodeItem), scanned: page.ScannedCount ?? 0 };
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}
