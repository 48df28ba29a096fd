/**
 * Calls made through the real pipelines against DynamoDB Local, then decided again from the
 * facts their audit items recorded: unchanged rules change nothing; a changed rule changes
 * exactly the calls it should; rules that need state a call never read leave it not replayable.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAuditedCall } from '../../../src/audit/audited-call';
import { type Replay, replayCall } from '../../../src/cli/rules/replay/replay';
import { parseRuleItem } from '../../../src/rules/rule-item';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { partitionsFor } from '../../../src/store/rule-source';
import { shiftItem } from '../../../src/store/shift-item';
import { trainingItem } from '../../../src/store/training-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { webhookRequest } from '../../support/events';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'replay-token-0123456789abcdef';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const HOUR = 3_600_000;

const RULES: Record<string, unknown>[] = [
  { app_id: 'db', rule_id: 'on-call', kind: 'pre_approval', effect: 'allow', when: { on_call: { schedule: 'db-primary' } } },
  { app_id: 'db', rule_id: 'short-only', kind: 'pre_approval', effect: 'deny', when: { not: { access_length_at_most: 8 * 3_600 } } },
  { app_id: 'db', rule_id: 'trained', kind: 'request_validation', when: { training: { course: 'security-101' } }, message: 'Finish {course} first.' },
  { app_id: 'db', rule_id: 'ledger', kind: 'provisioning', provisioner: 'ledger' },
  { app_id: 'wiki', rule_id: 'everyone', kind: 'pre_approval', effect: 'allow', when: { all: [] } },
];

function body(app: string, email: string, accessLength: number, task: string, permissions = ['read']): Record<string, unknown> {
  return {
    application: { app_id: app },
    permissions: permissions.map((value) => ({ value })),
    requester_user: { email },
    target_user: { email },
    access_length: accessLength,
    request_task_url: `https://lumos.example/tasks/${task}`,
  };
}

/** The rules the functions would read for an app: its partition's and `*`'s. */
const entries = (items: readonly Record<string, unknown>[], appId: string) =>
  items.filter((item) => partitionsFor(appId).includes(String(item.app_id))).map(parseRuleItem);
const withRule = (ruleId: string, change: Record<string, unknown> | null) =>
  RULES.flatMap((rule) => (rule.rule_id !== ruleId ? [rule] : change === null ? [] : [{ ...rule, ...change }]));

let deployment: TestDeployment;
const answers = new Map<string, unknown>();

async function auditedCalls() {
  const { Items } = await testDocumentClient().send(new ScanCommand({ TableName: deployment.tables.AUDIT_TABLE }));
  return (Items ?? []).map((item) => {
    const read = readAuditedCall(item);
    if (!read.ok) throw new Error(read.problem);
    return read.call;
  });
}

async function replayAll(items: readonly Record<string, unknown>[]): Promise<Map<string, Replay>> {
  const replays = new Map<string, Replay>();
  for (const call of await auditedCalls())
    replays.set(`${call.kind} ${call.request_task_url?.split('/').pop()}`, replayCall(call, entries(items, call.app_id)));
  return replays;
}

beforeAll(async () => {
  deployment = await testDeployment(TOKEN);
  const client = testDocumentClient();
  for (const Item of RULES) await client.send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item }));
  const now = Date.now();
  for (const Item of [
    shiftItem('db-primary', ALICE, new Date(now - HOUR), new Date(now + HOUR)),
    trainingItem(ALICE, 'security-101', new Date(now - 24 * HOUR)),
  ]) {
    await client.send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item }));
  }
  const preApproval = deployment.pipeline((deps) => new PreApprovalService(deps));
  const validation = deployment.pipeline((deps) => new RequestValidationService(deps, 'closed'));
  const provisioning = deployment.pipeline((deps) => new ProvisioningService(deps));
  const calls = [
    ['pre_approval on-call', preApproval, body('db', ALICE, 3_600, 'on-call')],
    ['pre_approval off-call', preApproval, body('db', BOB, 3_600, 'off-call')],
    ['pre_approval long', preApproval, body('db', ALICE, 10 * 3_600, 'long')],
    ['pre_approval wiki', preApproval, body('wiki', BOB, 3_600, 'wiki')],
    ['request_validation trained', validation, body('db', ALICE, 3_600, 'trained')],
    ['request_validation untrained', validation, body('db', BOB, 3_600, 'untrained')],
    ['provisioning grant', provisioning, body('db', ALICE, 3_600, 'grant')],
    ['provisioning app', provisioning, body('db', BOB, 3_600, 'app', [])],
  ] as const;
  for (const [label, pipeline, payload] of calls) answers.set(label, (await pipeline(webhookRequest(payload, TOKEN))).body?.response ?? 204);
});

describe('replaying audited calls', () => {
  it('made the calls the scenarios assume', () => {
    // Assess: the recorded decisions the replays start from
    expect(Object.fromEntries(answers)).toEqual({
      'pre_approval on-call': 'PREAPPROVED',
      'pre_approval off-call': 'NOT_PREAPPROVED',
      'pre_approval long': 'NOT_PREAPPROVED',
      'pre_approval wiki': 'PREAPPROVED',
      'request_validation trained': 'VALIDATION_PASSED',
      'request_validation untrained': 'VALIDATION_FAILED',
      'provisioning grant': 204,
      'provisioning app': 204,
    });
  });

  it('changes nothing under the rules that made the calls', async () => {
    // Act
    const replays = await replayAll(RULES);
    // Assess
    expect(replays.size).toBe(8);
    for (const [label, replay] of replays) {
      expect(replay.replayable, label).toBe(true);
      expect(replay.replayable && replay.changed, label).toBe(false);
    }
  });

  it('changes exactly the long request when the deny rule is removed', async () => {
    // Act
    const replays = await replayAll(withRule('short-only', null));
    // Assess
    const changed = [...replays].filter(([, replay]) => replay.replayable && replay.changed);
    expect(changed.map(([label, replay]) => [label, replay.replayable && `${replay.before.decision} → ${replay.after.decision}`])).toEqual([
      ['pre_approval long', 'NOT_PREAPPROVED → PREAPPROVED'],
    ]);
  });

  it('changes the provisioning choice when the provisioning rule names another provisioner', async () => {
    // Prepare
    const http = {
      type: 'http',
      name: 'crm',
      secret: 'lumos-connectors/crm',
      provision: { method: 'POST', url: 'https://crm.example/grants/{target.email}' },
      deprovision: { method: 'DELETE', url: 'https://crm.example/grants/{target.email}' },
    };
    // Act
    const replays = await replayAll(withRule('ledger', { rule_id: 'crm', provisioner: http }));
    // Assess
    const replay = replays.get('provisioning grant');
    expect(replay?.replayable && [replay.before.decision, replay.after.decision, replay.changed]).toEqual([
      'read: rule ledger (ledger)',
      'read: rule crm (crm)',
      true,
    ]);
  });

  it('replays a request for the app itself with the rule that covers the app itself', async () => {
    // Act: the provisioning rule limited to the permission `read`, which no longer covers the app itself
    const replays = await replayAll(withRule('ledger', { permissions: ['read'] }));
    // Assess
    const replay = replays.get('provisioning app');
    expect(replay?.replayable && [replay.before.decision, replay.after.decision, replay.changed]).toEqual([
      'the app itself: rule ledger (ledger)',
      'the app itself: no rule',
      true,
    ]);
    expect(replays.get('provisioning grant')).toMatchObject({ replayable: true, changed: false });
  });

  it('counts a call as not replayable when the proposed rules ask about state it never read, never as that state being absent', async () => {
    // Prepare: pre-approval now also asks about training, which no pre-approval call read
    const trainingToo = { ...RULES[0], when: { all: [{ on_call: { schedule: 'db-primary' } }, { training: { course: 'security-101' } }] } };
    // Act
    const replays = await replayAll([trainingToo, ...RULES.slice(1)]);
    // Assess
    expect(replays.get('pre_approval on-call')).toMatchObject({ replayable: false, why: 'fact not recorded (training records)' });
    expect(replays.get('pre_approval wiki')).toMatchObject({ replayable: true, changed: false });
    expect(replays.get('request_validation trained')).toMatchObject({ replayable: true, changed: false });
  });

  it('replays a request that failed its requirement with the message placeholders it had', async () => {
    // Act: the requirement dropped
    const replays = await replayAll(withRule('trained', null));
    // Assess
    expect(replays.get('request_validation untrained')).toMatchObject({
      replayable: true,
      changed: true,
      before: { decision: 'VALIDATION_FAILED' },
      after: { decision: 'VALIDATION_PASSED' },
    });
  });

  it('counts a refusal whose message for the requester changes as a change', async () => {
    // Act
    const replays = await replayAll(withRule('trained', { message: 'Take {course} in the LMS first.' }));
    // Assess
    expect(replays.get('request_validation untrained')).toMatchObject({
      replayable: true,
      changed: true,
      before: { decision: 'VALIDATION_FAILED', message: 'Finish security-101 first.' },
      after: { decision: 'VALIDATION_FAILED', message: 'Take security-101 in the LMS first.' },
    });
    expect(replays.get('request_validation trained')).toMatchObject({ replayable: true, changed: false });
  });

  it('says an item written before facts were recorded is not replayable', () => {
    // Prepare
    const old = readAuditedCall({
      kind: 'pre_approval',
      app_id: 'db',
      at: 'x',
      subject: ALICE,
      requester: ALICE,
      permissions: ['read'],
      decision: 'PREAPPROVED',
      request_id: 'r',
    });
    // Act / Assess
    expect(old.ok && replayCall(old.call, entries(RULES, 'db'))).toMatchObject({ replayable: false, why: expect.stringMatching(/^facts not recorded/) });
  });
});
