/**
 * Reads of items keyed by outside values (grants, audit items), through the item codec
 * (src/store/item-codec.ts) rather than the document client's unmarshalling, which would drop
 * a `__proto__` key. Keys and expression values are given as plain values.
 */
import { GetItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';
import { type AttributeMap, decodeItem, encodeItem, type ItemRecord } from './item-codec';

export interface ItemQuery extends Omit<QueryCommandInput, 'ExclusiveStartKey' | 'ExpressionAttributeValues'> {
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The item at `key` (read consistently), or null. */
export async function getItem(client: DynamoDBDocumentClient, tableName: string, key: object, what: string, deadline: Deadline): Promise<ItemRecord | null> {
  const { Item } = await storeCall(what, deadline, (abortSignal) =>
    client.send(new GetItemCommand({ TableName: tableName, Key: encodeItem(key), ConsistentRead: true }), { abortSignal }),
  );
  return Item === undefined ? null : decodeItem(Item);
}

/** One query page by page, each page inside the call's deadline. */
export async function* queryItemPages(client: DynamoDBDocumentClient, query: ItemQuery, what: string, deadline: Deadline): AsyncGenerator<ItemRecord[]> {
  const { ExpressionAttributeValues: values, ...input } = query;
  const encodedValues = values === undefined ? {} : { ExpressionAttributeValues: encodeItem(values) };
  let startKey: AttributeMap | undefined;
  do {
    const page = await storeCall(what, deadline, (abortSignal) =>
      client.send(new QueryCommand({ ...input, ...encodedValues, ExclusiveStartKey: startKey }), { abortSignal }),
    );
    yield (page.Items ?? []).map(decodeItem);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of one query. */
export async function queryItems(client: DynamoDBDocumentClient, query: ItemQuery, what: string, deadline: Deadline): Promise<ItemRecord[]> {
  const items: ItemRecord[] = [];
  for await (const page of queryItemPages(client, query, what, deadline)) items.push(...page);
  return items;
}
