/**
 * The store alone: the same two DynamoDB calls a warm pre-approval makes (a state Query and an
 * audit PutItem of similar size), straight from the SDK. Timed beside the handler, it shows how
 * much of the handler's latency is DynamoDB Local's own, and warms that JVM up before measuring.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { TABLE_NAMES } from './env';
import { msSince } from './stats';
import type { Subject } from './warm';

export interface StoreBaseline extends Subject {
  stop(): void;
}

export function storeBaseline(endpoint: string): StoreBaseline {
  const client = createDocumentClient(endpoint);
  let calls = 0;
  const pair = async () => {
    calls += 1;
    await client.send(
      new QueryCommand({
        TableName: TABLE_NAMES.STATE_TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :person)',
        ExpressionAttributeValues: { ':pk': 'oncall#demo-oncall', ':person': 'peterparker@lumos.com#' },
        Limit: 100,
      }),
    );
    const at = new Date().toISOString();
    await client.send(
      new PutCommand({
        TableName: TABLE_NAMES.AUDIT_TABLE,
        Item: {
          app_id: 'bench-baseline',
          at: `${at}#baseline-${calls}`,
          subject: 'peterparker@lumos.com',
          decision: 'PREAPPROVED',
          trace: [{ app_id: 'demo_app', rule_id: 'oncall-preapprove', outcome: 'matched', detail: 'on call for demo-oncall' }],
          recorded_at: at,
          ttl: Math.floor(Date.now() / 1000),
        },
      }),
    );
  };
  return {
    label: 'store alone: Query + PutItem (SDK, no handler)',
    call: async () => {
      const start = process.hrtime.bigint();
      await pair();
      return { ms: msSince(start) };
    },
    stop: () => client.destroy(),
  };
}
