/**
 * A cold start as the first caller pays it: process start, bundle load and the first call,
 * against DynamoDB Local. Two apps side by side, interleaved: one whose rules in scope have no
 * pattern, one whose rules have a `custom_field.matches` pattern, so the difference is what the
 * pattern engine (loaded on first use) adds to a cold start, and nothing to the other. Each child
 * reports its CPU time (scripts/bench/child.ts); the two are compared round by round.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/store/dynamo-client';
import { ROOT } from './bundles';
import { timeChild } from './child';
import { lambdaInitEnv, TABLE_NAMES } from './env';
import { BENCH_SEED, roundOrder, seeded } from './round-order';
import { median, percentile } from './stats';

export const PATTERN_APP = 'bench_pattern_app';

export interface ColdCallResult {
  label: string;
  /** CPU ms per round, in round order. */
  cpu: number[];
  wallMedian: number;
  median: number;
  p25: number;
  p75: number;
}

/** The same on-call allow rule as the demo app's, plus a pattern on the intake answer. */
export async function seedPatternRule(endpoint: string): Promise<void> {
  const client = createDocumentClient(endpoint);
  await client.send(
    new PutCommand({
      TableName: TABLE_NAMES.RULES_TABLE,
      Item: {
        app_id: PATTERN_APP,
        rule_id: 'oncall-with-username',
        kind: 'pre_approval',
        effect: 'allow',
        when: { all: [{ on_call: { schedule: 'demo-oncall' } }, { custom_field: { name: 'username', matches: '^[a-z][a-z0-9_-]{1,31}$' } }] },
      },
    }),
  );
  client.destroy();
}

function childScript(bundle: string, body: string, token: string): string {
  const event = { httpMethod: 'POST', headers: { authorization: `Bearer ${token}` }, body, isBase64Encoded: false, requestContext: { requestId: 'cold' } };
  return `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(event)}).then((r) => { if (!/"PREAPPROVED"/.test(r.body)) { console.error(r.statusCode, r.body); process.exit(3); } })`;
}

export function measureColdCalls(node: string, bundle: string, endpoint: string, token: string, warmupRounds: number, rounds: number): ColdCallResult[] {
  const { TOKEN_SECRET_ID: _secret, ...base } = lambdaInitEnv();
  const env = { ...base, LUMOS_WEBHOOK_TOKEN: token, AWS_ENDPOINT_URL_DYNAMODB: endpoint, LOG_LEVEL: 'SILENT' };
  const demo = readFileSync(join(ROOT, 'fixtures', 'lumos', 'pre-approval.json'), 'utf8');
  const withPattern = JSON.stringify({ ...(JSON.parse(demo) as Record<string, unknown>), application: { app_id: PATTERN_APP } });
  const variants = [
    { label: 'no pattern rule in scope', script: childScript(bundle, demo, token) },
    { label: 'a pattern rule in scope', script: childScript(bundle, withPattern, token) },
  ];
  const cpu = variants.map((): number[] => []);
  const wall = variants.map((): number[] => []);
  const random = seeded(BENCH_SEED);
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (const index of roundOrder(variants.length, random)) {
      const variant = variants[index] as (typeof variants)[number];
      const timing = timeChild(node, variant.script, env, `cold call ${variant.label}`);
      if (round < warmupRounds) continue;
      cpu[index]?.push(timing.cpuMs);
      wall[index]?.push(timing.wallMs);
    }
  }
  return variants.map((variant, index) => {
    const own = cpu[index] ?? [];
    return {
      label: variant.label,
      cpu: own,
      wallMedian: median(wall[index] ?? []),
      median: median(own),
      p25: percentile(own, 0.25),
      p75: percentile(own, 0.75),
    };
  });
}
