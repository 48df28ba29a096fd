/**
 * `lumos-rules plan`'s replay at scale: 100,000 audited pre-approval calls written to DynamoDB
 * Local (setup, not timed), then read back as plan reads them (parallel scan, no traces) and
 * decided again under current and proposed rules. A figure, not a budget: the issue asks to see it.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordFacts } from '../../src/audit/recorded-facts';
import { readAuditedCalls } from '../../src/cli/rules/table/audited-calls';
import { summariseReplay } from '../../src/cli/rules/table/replay-summary';
import { openRulesTables } from '../../src/cli/rules/table/rules-tables';
import { createTables } from '../../src/store/create-tables';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { msSince } from './stats';

export const REPLAY_CALLS = 100_000;
const APPS = 50;
const PEOPLE = 2_000;
const WRITERS = 16;

const rules = (maxHours: number) =>
  Array.from({ length: APPS }, (_, app) => [
    { app_id: `app-${app}`, rule_id: 'on-call', kind: 'pre_approval', effect: 'allow', when: { on_call: { schedule: `oncall-${app}` } } },
    { app_id: `app-${app}`, rule_id: 'short', kind: 'pre_approval', effect: 'deny', when: { not: { access_length_at_most: maxHours * 3_600 } } },
  ]).flat();

function auditItem(index: number, now: Date): Record<string, unknown> {
  const app = index % APPS;
  const email = `person-${index % PEOPLE}@example.com`;
  const at = new Date(now.getTime() - (index % 86_400) * 1_000);
  const onCall = index % 3 === 0;
  const hours = 1 + (index % 12);
  const request = { appId: `app-${app}`, permissions: ['read'], target: email, requester: email, accessLength: hours * 3_600, customFields: {} };
  const shifts = onCall
    ? [
        {
          schedule: `oncall-${app}`,
          email,
          starts_at: new Date(at.getTime() - 3_600_000).toISOString(),
          ends_at: new Date(at.getTime() + 3_600_000).toISOString(),
        },
      ]
    : [];
  const approved = onCall && hours <= 8;
  return {
    kind: 'pre_approval',
    app_id: `app-${app}`,
    at: `${at.toISOString()}#r${index}`,
    recorded_at: at.toISOString(),
    subject: email,
    requester: email,
    permissions: ['read'],
    decision: approved ? 'PREAPPROVED' : 'NOT_PREAPPROVED',
    ...(approved ? { rule_id: 'on-call' } : onCall ? { rule_id: 'short' } : {}),
    status_code: 200,
    reason: approved ? 'allowed by rule on-call' : 'no allow rule matched',
    trace: [],
    facts: recordFacts({ request, now: at, shifts, trainings: [] }, { shifts: [{ schedule: `oncall-${app}`, email }], trainees: [] }),
    latency_ms: 3,
    request_task_url: `https://lumos.example/tasks/${index}`,
    request_id: `r${index}`,
  };
}

async function writeCalls(documents: DynamoDBDocumentClient, table: string, now: Date): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < REPLAY_CALLS) {
        const start = next;
        next += 25;
        const items = Array.from({ length: Math.min(25, REPLAY_CALLS - start) }, (_, offset) => auditItem(start + offset, now));
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

export interface ReplayFigures {
  calls: number;
  writeSeconds: number;
  readMs: number;
  replayMs: number;
  changed: number;
}

export async function measureReplay(endpoint: string): Promise<ReplayFigures> {
  const tables = await createTables(endpoint, 'bench-replay-');
  const documents = createDocumentClient(endpoint);
  const now = new Date();
  const writeStarted = process.hrtime.bigint();
  await writeCalls(documents, tables.AUDIT_TABLE, now);
  const writeSeconds = msSince(writeStarted) / 1000;
  documents.destroy();

  const target = await openRulesTables({ endpoint, rulesTable: tables.RULES_TABLE, auditTable: tables.AUDIT_TABLE });
  try {
    const readStarted = process.hrtime.bigint();
    const read = await readAuditedCalls(target, tables.AUDIT_TABLE, new Date(now.getTime() - 7 * 86_400_000));
    const readMs = msSince(readStarted);
    const replayStarted = process.hrtime.bigint();
    // The proposal: the deny rule's limit from 8 hours to 4, so on-call requests of 5–8 hours change.
    const summary = summariseReplay(read.calls, rules(4), rules(8), { showSubjects: false });
    const replayMs = msSince(replayStarted);
    if (summary.calls !== REPLAY_CALLS || summary.notReplayable > 0 || summary.alreadyDifferent > 0) {
      throw new Error(`replay read ${summary.calls} calls, ${summary.notReplayable} not replayable, ${summary.alreadyDifferent} already different`);
    }
    return { calls: summary.calls, writeSeconds, readMs, replayMs, changed: summary.changed };
  } finally {
    target.close();
  }
}
