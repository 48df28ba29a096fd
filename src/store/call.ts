import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError, StoreRejectedInputError, StoreUnavailableError } from '../kernel/errors';

/**
 * Runs one DynamoDB call inside the deadline; failures become errors the pipeline maps. A
 * ValidationException is bad input, never reported as an outage.
 */
export async function storeCall<T>(what: string, deadline: Deadline, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const abortSignal = deadline.signal();
  try {
    return await call(abortSignal);
  } catch (error) {
    if (abortSignal.aborted) throw new DeadlineExceededError(`deadline reached while ${what}`, { cause: error });
    if (error instanceof Error && error.name === 'ValidationException')
      throw new StoreRejectedInputError(`DynamoDB refused the input while ${what}`, { cause: error });
    throw new StoreUnavailableError(`DynamoDB failed while ${what}`, { cause: error });
  }
}
