/**
 * Starts DynamoDB Local once per test run, for every project that asks (`dynamodb` and
 * `dynamodb-timeouts`); tests reach it through `inject('dynamoEndpoint')`. It stops when the last
 * of them is torn down.
 */
import type { TestProject } from 'vitest/node';
import { freePort, type RunningDynamoDb, startDynamoDbLocal } from '../../src/local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** Kept on the global object: each project loads this file as a module of its own. */
const shared = globalThis as { testDynamoDbLocal?: { running: Promise<RunningDynamoDb>; projects: number } };

/**
 * DynamoDB Local lives for one test run, about a minute: compiling with the JIT's first tier
 * alone and collecting with the serial collector cost it half the CPU time the defaults do (9 s, not 20 s).
 * Only its own process gets these options.
 */
async function startForTests(): Promise<RunningDynamoDb> {
  const port = await freePort();
  const before = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = [before, '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'].filter((option) => option !== undefined).join(' ');
  try {
    return await startDynamoDbLocal(port);
  } finally {
    if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = before;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.testDynamoDbLocal ??= { running: startForTests(), projects: 0 };
  const dynamoDbLocal = shared.testDynamoDbLocal;
  dynamoDbLocal.projects += 1;
  const dynamo = await dynamoDbLocal.running;
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    dynamoDbLocal.projects -= 1;
    if (dynamoDbLocal.projects > 0) return;
    shared.testDynamoDbLocal = undefined;
    await dynamo.stop();
  };
}
