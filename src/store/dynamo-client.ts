import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * How every document client writes: `undefined` attributes left out, and an object that does not
 * look like a plain one (no prototype, or a key named `constructor`: outside values make such
 * maps) written as a map instead of refused. Items keyed by outside values (grants, audit items)
 * go through src/store/item-codec.ts instead, which also keeps a `__proto__` key.
 */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: true } as const;

/**
 * One document client per container. Short socket timeouts and few attempts: every call is
 * also bounded by the invocation's deadline through its abort signal. An explicit endpoint
 * (DynamoDB Local) gets a fixed region and dummy credentials, so no real ones are ever sent there.
 */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(endpoint), { marshallOptions: { ...MARSHALL_OPTIONS } });
}

export function createDynamoClient(endpoint?: string): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
    ...(endpoint ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
