/** Starts DynamoDB Local once per test run; tests reach it through `inject('dynamoEndpoint')`. */
import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDbLocal } from '../../src/local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal(await freePort());
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
