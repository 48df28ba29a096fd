import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError, StoreRejectedInputError, StoreUnavailableError } from '../kernel/errors';
import { timedCall } from '../kernel/timed-call';

/**
 * Runs one DynamoDB call inside the deadline (a timer the call owns: src/kernel/timed-call.ts);
 * failures become errors the pipeline maps. A ValidationException is bad input, never reported
 * as an outage.
 */
export async function storeCall<T>(what: string, deadline: Deadline, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await timedCall(deadline, what, undefined, call);
  } catch (error) {
    if (error instanceof DeadlineExceededError) throw error;
    if (error instanceof Error && error.name === 'ValidationException')
      throw new StoreRejectedInputError(`DynamoDB refused the input while ${what}`, { cause: error });
    throw new StoreUnavailableError(`DynamoDB failed while ${what}`, { cause: error });
  }
}
