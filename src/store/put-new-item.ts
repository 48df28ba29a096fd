/**
 * A put that never replaces an item: conditional on the key not existing. When the condition
 * fails, DynamoDB returns the item already there (`ReturnValuesOnConditionCheckFailure:
 * ALL_OLD`): the same item is our own put landing twice (the SDK retried a put whose answer was
 * lost), anything else is another item at the key, reported, never overwritten.
 *
 * That item is read from the raw answer, before the SDK reads it: the SDK's error reader rebuilds
 * maps by assignment, so an item with a `__proto__` key (an intake field may be named so) fails
 * to read and the condition failure would look like any other error.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';
import { isConditionFailure } from './condition-failure';
import type { AttributeMap } from './item-codec';
import { sameItem } from './same-item';

export type PutNewOutcome =
  /** Written now. */
  | { status: 'written' }
  /** The same item was already there: an earlier attempt of this put landed. */
  | { status: 'already_written' }
  /** Another item holds the key (`existing` as DynamoDB returned it; absent when it returned none). */
  | { status: 'conflict'; existing?: AttributeMap };

/** Wire names DynamoDB gives a failed condition (`<namespace>#ConditionalCheckFailedException`). */
const CONDITION_FAILED = /(^|#)ConditionalCheckFailedException$/;

export async function putNewItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: AttributeMap,
  keyAttribute: string,
  what: string,
  deadline: Deadline,
): Promise<PutNewOutcome> {
  return storeCall(what, deadline, async (abortSignal) => {
    const answer: { existing?: AttributeMap } = {};
    const command = new PutItemCommand({
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': keyAttribute },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // Inside the SDK's reader: sees each attempt's raw answer before it does.
    const keepExisting: RawAnswerStep = (next) => async (args) => {
      const result = await next(args);
      await takeExistingItem(result.response as RawResponse, answer);
      return result;
    };
    command.middlewareStack.addRelativeTo(keepExisting as Middleware, { name: 'takeExistingItem', relation: 'after', toMiddleware: 'deserializerMiddleware' });
    try {
      await client.send(command, { abortSignal });
      return { status: 'written' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (answer.existing === undefined) return { status: 'conflict' };
      return sameItem(item, answer.existing) ? { status: 'already_written' } : { status: 'conflict', existing: answer.existing };
    }
  });
}

type Middleware = Parameters<PutItemCommand['middlewareStack']['addRelativeTo']>[0];
/** A step of the SDK's deserialize stage: what it is given on the way in, the raw answer on the way out. */
type RawAnswerStep = (next: (args: unknown) => Promise<{ response: unknown }>) => (args: unknown) => Promise<{ response: unknown }>;

interface RawResponse {
  statusCode?: number;
  body?: unknown;
}

/**
 * A failed condition's answer: its `Item` (JSON.parse keeps every key its own) is kept in
 * `answer` and taken out of the body the SDK then reads, so the SDK reports a plain condition
 * failure. Any other answer is passed on as it came (its body read into memory).
 */
async function takeExistingItem(response: RawResponse, answer: { existing?: AttributeMap }): Promise<void> {
  if (response.statusCode !== 400 || response.body === undefined || response.body === null) return;
  const body = await readBody(response.body);
  response.body = body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null) return;
  const fields = parsed as { __type?: unknown; Item?: unknown };
  if (typeof fields.__type !== 'string' || !CONDITION_FAILED.test(fields.__type) || !isAttributeMap(fields.Item)) return;
  answer.existing = fields.Item;
  const { Item: _taken, ...rest } = fields;
  response.body = Buffer.from(JSON.stringify(rest), 'utf8');
}

async function readBody(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function isAttributeMap(value: unknown): value is AttributeMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((attribute) => typeof attribute === 'object' && attribute !== null && !Array.isArray(attribute))
  );
}
