/**
 * Contention on one grant: N provisioning calls of distinct requests for the same person and
 * permission at once, each in a container of its own (a fresh copy of the bundle, as N Lambda
 * instances would run them), against DynamoDB Local; then N deprovisionings of the same
 * requests at once. Every call must answer 204, the grant must end with N holds, then removed.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { ROOT } from './bundles';
import { TABLE_NAMES } from './env';
import { type BundleHandler, callOnce, loadHandler } from './warm';

const EMAIL = 'contention@lumos.com';
const NO_CONTENT = { statusCode: 204 } as const;

export interface ContentionRun {
  label: string;
  samples: number[];
  /** Calls that answered 204. */
  ok: number;
  firstMismatch?: string;
  /** The grant afterwards: its state and how many requests hold it. */
  state: string;
  holds: number;
}

function bodyFor(request: number, email = EMAIL): string {
  const body = JSON.parse(readFileSync(join(ROOT, 'fixtures/lumos/provisioning.json'), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...body, target_user: { email }, request_task_url: `https://lumos.example/tasks?requestId=contention-${request}` });
}

/**
 * One call per container on a grant of its own first, one container at a time: N fresh copies
 * of a bundle in one process would otherwise time N cold JITs on two cores, not the contention.
 */
async function warmUp(handlers: BundleHandler[], token: string): Promise<void> {
  for (const [index, handler] of handlers.entries()) {
    const outcome = await callOnce(handler, bodyFor(index, `contention-warmup-${index}@lumos.com`), token, NO_CONTENT);
    if (outcome.mismatch !== undefined) throw new Error(`contention warm-up: ${outcome.mismatch}`);
  }
}

async function grantAfter(endpoint: string): Promise<{ state: string; holds: number }> {
  const client = createDocumentClient(endpoint);
  try {
    const fixture = JSON.parse(readFileSync(join(ROOT, 'fixtures/lumos/provisioning.json'), 'utf8')) as {
      application: { instance_id: string };
      permissions: { value: string }[];
    };
    const key = { app_instance: fixture.application.instance_id, subject_permission: `${EMAIL}#${fixture.permissions[0]?.value ?? ''}` };
    const { Item } = await client.send(new GetCommand({ TableName: TABLE_NAMES.GRANTS_TABLE, Key: key, ConsistentRead: true }));
    return { state: Item === undefined ? 'absent' : String(Item.state ?? 'held'), holds: Object.keys((Item?.holds as object | undefined) ?? {}).length };
  } finally {
    client.destroy();
  }
}

async function concurrently(label: string, handlers: BundleHandler[], token: string, endpoint: string): Promise<ContentionRun> {
  const outcomes = await Promise.all(handlers.map((handler, index) => callOnce(handler, bodyFor(index), token, NO_CONTENT)));
  const mismatch = outcomes.find((outcome) => outcome.mismatch !== undefined)?.mismatch;
  return {
    label,
    samples: outcomes.map((outcome) => outcome.ms),
    ok: outcomes.filter((outcome) => outcome.mismatch === undefined).length,
    ...(mismatch === undefined ? {} : { firstMismatch: mismatch }),
    ...(await grantAfter(endpoint)),
  };
}

/** The handler env must already point at `endpoint`: fresh bundle copies build their clients from it. */
export async function runContention(calls: number, token: string, endpoint: string): Promise<ContentionRun[]> {
  const containers = (bundle: string) => Array.from({ length: calls }, () => loadHandler(bundle, true));
  const provisioning = containers('dist/provisioning/index.js');
  const deprovisioning = containers('dist/deprovisioning/index.js');
  await warmUp(provisioning, token);
  await warmUp(deprovisioning, token);
  return [
    await concurrently(`provisioning    ${calls} requests, one grant`, provisioning, token, endpoint),
    await concurrently(`deprovisioning  the same ${calls} requests`, deprovisioning, token, endpoint),
  ];
}
