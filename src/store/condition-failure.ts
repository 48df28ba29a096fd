import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** The write's condition failed (another writer was first), whether or not the store call wrapped the SDK's error. */
export function isConditionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth += 1) {
    if (current instanceof ConditionalCheckFailedException || current.name === 'ConditionalCheckFailedException') return true;
  }
  return false;
}
