/**
 * The audit writer on DynamoDB Local: a put never replaces an item. A retry of a put that landed
 * (its answer lost on the way back, as a loopback relay in front of DynamoDB Local loses it) is
 * the same item and succeeds; another item at the same key is refused, and the one there stays.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDecision, AuditRecord } from '../../../src/audit/record';
import { Deadline } from '../../../src/kernel/deadline';
import { AuditWriteError } from '../../../src/kernel/errors';
import { DynamoAuditSink } from '../../../src/store/audit-sink';
import { createDocumentClient } from '../../../src/store/dynamo-client';
import { queryItems } from '../../../src/store/item-reads';
import { createTestTables, type TableNames, testDocumentClient } from '../../support/tables';

let tables: TableNames;
let relay: Relay;

beforeAll(async () => {
  const created = await createTestTables();
  tables = created.tables;
  relay = await startRelay(created.endpoint);
});
afterAll(() => relay.close());

/** A call's record with intake fields named as Object.prototype's members (`__proto__` an own key). */
function record(requestId: string, decision: AuditDecision = 'PREAPPROVED'): AuditRecord {
  const customFields = JSON.parse('{"__proto__": "x", "constructor": ["y", "z"], "ticket": "4711"}') as Record<string, string | string[]>;
  return {
    kind: 'pre_approval',
    app_id: 'audit_app',
    subject: 'peterparker@lumos.com',
    requester: null,
    permissions: ['Permission One'],
    decision,
    status_code: 200,
    reason: 'rule allow-on-call matched',
    trace: [],
    facts: {
      v: 1,
      now: '2026-01-01T00:00:00.000Z',
      access_length: 1.5,
      custom_fields: customFields,
      on_call: { looked_up: [], found: [] },
      training: { looked_up: [], found: [] },
    },
    latency_ms: 12,
    request_task_url: null,
    request_id: requestId,
  };
}

const itemsOf = (requestId: string) =>
  queryItems(
    testDocumentClient(),
    {
      TableName: tables.AUDIT_TABLE,
      KeyConditionExpression: 'app_id = :app',
      FilterExpression: 'request_id = :id',
      ExpressionAttributeValues: { ':app': 'audit_app', ':id': requestId },
    },
    'reading the audit table',
    new Deadline(5_000),
  );

describe('16.10 audit puts never rewrite history', () => {
  it('takes a retried put whose first attempt landed as written, once', async () => {
    // Prepare: the relay loses DynamoDB's answer to the next put, after the put landed
    const sink = new DynamoAuditSink(createDocumentClient(relay.endpoint), tables.AUDIT_TABLE, 400);
    const requestId = `req-${randomUUID()}`;
    relay.loseNextPutAnswer();
    // Act
    await sink.record(record(requestId), new Date('2026-01-01T00:00:01.000Z'), new Deadline(10_000));
    // Assess: the SDK sent it twice; one item, as written
    expect(relay.puts).toBe(2);
    const items = await itemsOf(requestId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ decision: 'PREAPPROVED', latency_ms: 12 });
    expect(Object.keys((items[0]?.facts as { custom_fields: object } | undefined)?.custom_fields ?? {}).sort()).toEqual(['__proto__', 'constructor', 'ticket']);
  });

  it('refuses another item at the same key and reports it, leaving the item there as it was', async () => {
    // Prepare
    const sink = new DynamoAuditSink(testDocumentClient(), tables.AUDIT_TABLE, 400);
    const requestId = `req-${randomUUID()}`;
    const at = new Date('2026-01-01T00:00:02.000Z');
    await sink.record(record(requestId), at, new Deadline(5_000));
    // Act
    const second = sink.record(record(requestId, 'NOT_PREAPPROVED'), at, new Deadline(5_000));
    // Assess
    await expect(second).rejects.toBeInstanceOf(AuditWriteError);
    await expect(second).rejects.toThrow(/another audit item already holds this item's key/);
    expect(await itemsOf(requestId)).toEqual([expect.objectContaining({ decision: 'PREAPPROVED' })]);
  });

  it('takes the same item written again as written (numbers compared as decimals)', async () => {
    // Prepare
    const sink = new DynamoAuditSink(testDocumentClient(), tables.AUDIT_TABLE, 400);
    const requestId = `req-${randomUUID()}`;
    const at = new Date('2026-01-01T00:00:03.000Z');
    await sink.record(record(requestId), at, new Deadline(5_000));
    // Act + Assess
    await expect(sink.record(record(requestId), at, new Deadline(5_000))).resolves.toBeUndefined();
    expect(await itemsOf(requestId)).toHaveLength(1);
  });
});

interface Relay {
  endpoint: string;
  /** PutItem requests relayed so far. */
  readonly puts: number;
  loseNextPutAnswer(): void;
  close(): Promise<void>;
}

/** Relays every request to DynamoDB Local; when told, answers one put 500 after DynamoDB took it. */
async function startRelay(target: string): Promise<Relay> {
  const upstream = new URL(target);
  let puts = 0;
  let loseNext = false;
  const server: Server = createServer(async (incoming, outgoing) => {
    const body = await readAll(incoming);
    const isPut = String(incoming.headers['x-amz-target']).endsWith('.PutItem');
    if (isPut) puts += 1;
    const answer = await forward(upstream, incoming, body);
    if (isPut && loseNext) {
      loseNext = false;
      outgoing.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      outgoing.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'the answer was lost' }));
      return;
    }
    outgoing.writeHead(answer.status, { 'content-type': answer.contentType });
    outgoing.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get puts() {
      return puts;
    },
    loseNextPutAnswer: () => {
      loseNext = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(upstream: URL, incoming: IncomingMessage, body: Buffer): Promise<{ status: number; contentType: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...incoming.headers, host: upstream.host };
    const outgoing = request({ hostname: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers }, async (answer) => {
      resolve({
        status: answer.statusCode ?? 500,
        contentType: String(answer.headers['content-type'] ?? 'application/x-amz-json-1.0'),
        body: await readAll(answer),
      });
    });
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
