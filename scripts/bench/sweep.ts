/**
 * The expiry sweeper at scale: 10,000 expired `ledger` grants written to DynamoDB Local (setup,
 * not timed), then one sweep as the scheduled function runs it (the `due` index, a consistent
 * read, `revoking`, `removed` and an audit item per grant). A figure, not a budget: the issue
 * asks to see it.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../src/app/config';
import { createDependencies } from '../../src/app/dependencies';
import { ExpirySweeper, SWEEPER_DEFAULTS } from '../../src/grants/expiry-sweeper';
import type { GrantItem } from '../../src/grants/grant-item';
import { storedGrant } from '../../src/grants/grant-ledger';
import { withHold } from '../../src/grants/transitions';
import { Deadline } from '../../src/kernel/deadline';
import { logger } from '../../src/kernel/logger';
import { createTables } from '../../src/store/create-tables';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { msSince } from './stats';

export const SWEEP_GRANTS = 10_000;
const APPS = 20;
const WRITERS = 16;

function expiredGrant(index: number, now: Date): GrantItem {
  const target = {
    app: { id: `app-${index % APPS}`, instance_id: null, label: null },
    permission: { value: `permission-${index % 7}`, label: null },
    person: { email: `person-${index}@example.com`, given_name: null, family_name: null },
    custom_fields: {},
    access_length: 60,
    request_task_url: `https://lumos.example/tasks/${index}`,
  };
  // Granted two hours ago for a minute: due since then.
  return withHold(null, target, 'ledger-grants', { type: 'ledger' }, new Date(now.getTime() - 7_200_000 + index));
}

async function writeGrants(documents: DynamoDBDocumentClient, table: string, now: Date): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < SWEEP_GRANTS) {
        const start = next;
        next += 25;
        const items = Array.from({ length: Math.min(25, SWEEP_GRANTS - start) }, (_, offset) => storedGrant(expiredGrant(start + offset, now)));
        let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
          [table]: items.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request !== undefined && Object.keys(request).length > 0) {
          const result = await documents.send(new BatchWriteCommand({ RequestItems: request }));
          request = result.UnprocessedItems as typeof request;
        }
      }
    }),
  );
}

export interface SweepFigures {
  grants: number;
  writeSeconds: number;
  sweepMs: number;
  removed: number;
  concurrency: number;
}

export async function measureSweep(endpoint: string): Promise<SweepFigures> {
  const tables = await createTables(endpoint, 'bench-sweep-');
  const documents = createDocumentClient(endpoint);
  const now = new Date();
  const writeStarted = process.hrtime.bigint();
  await writeGrants(documents, tables.GRANTS_TABLE, now);
  const writeSeconds = msSince(writeStarted) / 1000;
  documents.destroy();

  const deps = createDependencies(loadConfig({ ...tables, LUMOS_WEBHOOK_TOKEN: randomBytes(24).toString('base64url') }), endpoint);
  const sweeper = new ExpirySweeper(deps, SWEEPER_DEFAULTS, { count: () => {} });
  // One line per removed grant is what a deployment wants; 10,000 of them are not a bench report.
  logger.setLogLevel('ERROR');
  try {
    const started = process.hrtime.bigint();
    const summary = await sweeper.run({ runId: 'bench', deadline: new Deadline(15 * 60_000) });
    const sweepMs = msSince(started);
    if (summary.removed !== SWEEP_GRANTS) throw new Error(`the sweep removed ${summary.removed} of ${SWEEP_GRANTS} grants (${JSON.stringify(summary)})`);
    return { grants: SWEEP_GRANTS, writeSeconds, sweepMs, removed: summary.removed, concurrency: SWEEPER_DEFAULTS.concurrency };
  } finally {
    logger.setLogLevel('INFO');
    deps.documentClient.destroy();
  }
}

/** Run alone (`npx tsx scripts/bench/sweep.ts`): the figure without the rest of the bench. */
if (require.main === module) {
  void (async () => {
    const { startDynamoDbLocal } = await import('../../src/local/dynamodb-local');
    const dynamo = await startDynamoDbLocal();
    try {
      console.log(await measureSweep(dynamo.endpoint));
    } finally {
      await dynamo.stop();
    }
  })();
}
