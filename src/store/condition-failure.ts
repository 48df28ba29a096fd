import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { storeCall } from './call';

/** The write's condition failed (another writer was first), whether or not the store call wrapped the SDK's error. */
export function isConditionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth += 1) {
    if (current instanceof ConditionalCheckFailedException || current.name === 'ConditionalCheckFailedException') return true;
  }
  return false;
}

/** One conditional write inside the deadline: true when it landed, false when its condition refused it. */
export function conditionalWrite(what: string, deadline: Deadline, write: (abortSignal: AbortSignal) => Promise<unknown>): Promise<boolean> {
  return storeCall(what, deadline, async (abortSignal) => {
    try {
      await write(abortSignal);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  });
}
