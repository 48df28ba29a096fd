/**
 * Calls a built bundle's handler in this process, as Lambda calls a warm container: API
 * Gateway REST proxy events in, sequentially, each timed and its reply checked.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ROOT } from './bundles';
import type { ExpectedReply, WarmCase } from './cases';
import { BENCH_SEED, roundOrder, seeded } from './round-order';
import { msSince } from './stats';

type LambdaContext = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;
export type BundleHandler = (event: APIGatewayProxyEvent, context?: LambdaContext) => Promise<APIGatewayProxyResult>;

/**
 * Requires a bundle after the caller has set process.env (clients are built at module load).
 * `fresh` drops the cached module first, giving a second container with its own clients and caches.
 */
export function loadHandler(bundle: string, fresh = false): BundleHandler {
  const file = require.resolve(join(ROOT, bundle));
  if (fresh) delete require.cache[file];
  const loaded: unknown = require(file);
  const handler = typeof loaded === 'object' && loaded !== null ? (loaded as { handler?: unknown }).handler : undefined;
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler function`);
  return handler as BundleHandler;
}

export function caseBody(warmCase: WarmCase): string {
  const body = readFileSync(join(ROOT, warmCase.bodyFile), 'utf8');
  return warmCase.edit ? warmCase.edit(body) : body;
}

let calls = 0;

function proxyEvent(body: string, token: string, requestId: string): APIGatewayProxyEvent {
  const event = {
    httpMethod: 'POST',
    path: '/webhook',
    resource: '/webhook',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    multiValueHeaders: {},
    body,
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId },
  } satisfies Partial<Omit<APIGatewayProxyEvent, 'requestContext'>> & { requestContext: { requestId: string } };
  // The handler reads only these fields; the rest of requestContext is API Gateway's bookkeeping.
  return event as unknown as APIGatewayProxyEvent;
}

export interface CallOutcome {
  ms: number;
  /** Why the reply is not the expected one; undefined when it is. */
  mismatch?: string;
}

function mismatchOf(result: APIGatewayProxyResult, expected: ExpectedReply): string | undefined {
  let response: unknown;
  if (result.body) {
    const parsed: unknown = JSON.parse(result.body);
    response = typeof parsed === 'object' && parsed !== null ? (parsed as { response?: unknown }).response : undefined;
  }
  if (result.statusCode === expected.statusCode && response === expected.response) return undefined;
  return `got ${result.statusCode} ${result.body || '(empty)'}`;
}

export async function callOnce(handler: BundleHandler, body: string, token: string, expected: ExpectedReply): Promise<CallOutcome> {
  calls += 1;
  const requestId = `bench-${process.pid}-${calls}`;
  const event = proxyEvent(body, token, requestId);
  const context: LambdaContext = { awsRequestId: requestId, getRemainingTimeInMillis: () => 10_000 };
  const start = process.hrtime.bigint();
  const result = await handler(event, context);
  const ms = msSince(start);
  const mismatch = mismatchOf(result, expected);
  return mismatch === undefined ? { ms } : { ms, mismatch };
}

/** Something timed in the warm rounds: a case's handler, or the store alone as a baseline. */
export interface Subject {
  label: string;
  call(): Promise<CallOutcome>;
}

export function caseSubject(label: string, handler: BundleHandler, warmCase: WarmCase, token: string): Subject {
  const body = caseBody(warmCase);
  return { label, call: () => callOnce(handler, body, token, warmCase.expected) };
}

export interface WarmRun {
  samples: number[];
  /** Calls (warmup included) whose reply was as expected, of all calls made. */
  matched: number;
  total: number;
  firstMismatch?: string;
}

/**
 * Sequential calls, each subject once per round in a new seeded order, so DynamoDB Local's JVM
 * pauses and the machine's noise land on every subject alike, and no subject always follows the
 * same neighbour. Samples stay in round order: the n-th of every run is from the same round.
 */
export async function runInterleaved(subjects: readonly Subject[], warmupRounds: number, rounds: number): Promise<WarmRun[]> {
  const runs = subjects.map((): WarmRun => ({ samples: [], matched: 0, total: 0 }));
  const random = seeded(BENCH_SEED);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const index of roundOrder(subjects.length, random)) {
      const subject = subjects[index] as Subject;
      const run = runs[index] as WarmRun;
      const outcome = await subject.call();
      run.total += 1;
      if (outcome.mismatch === undefined) run.matched += 1;
      else run.firstMismatch ??= outcome.mismatch;
      if (round >= warmupRounds) run.samples.push(outcome.ms);
    }
  }
  return runs;
}
