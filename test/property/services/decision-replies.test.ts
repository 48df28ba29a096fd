/**
 * The three paths from a decision to a reply answer alike, over arbitrary rule sets (each kind,
 * valid and broken, with any condition the engine reads) and arbitrary requests and state: the
 * service on DynamoDB Local (its audit item written), `lumos-rules explain` (decideCase, with the
 * rules table and the state table read as the CLI reads them) and `explain --request`'s replay
 * (decideKind, from the audit item the service wrote). Same reply, same message, same rule ids.
 * fast-check prints the seed and path of a failure; `seed` in the options replays it.
 */
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCall } from '../../../src/cli/rules/replay/replay';
import { decideCase } from '../../../src/cli/rules/rule-tests/decide-case';
import { auditedCallsOf } from '../../../src/cli/rules/table/audited-requests';
import { readRuleTable } from '../../../src/cli/rules/table/rule-table';
import { RulesByApp } from '../../../src/cli/rules/table/rules-by-app';
import { openRulesTables, type RulesTables } from '../../../src/cli/rules/table/rules-tables';
import { replyOutcome } from '../../../src/http/pipeline';
import { Deadline } from '../../../src/kernel/deadline';
import { parsePayload } from '../../../src/lumos/payload';
import { LUMOS_RESPONSE } from '../../../src/lumos/replies';
import type { RuleKind } from '../../../src/rules/rule-item';
import type { KindService } from '../../../src/services/kind-service';
import { loadFacts } from '../../../src/services/load-facts';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { requestFacts } from '../../../src/services/request-facts';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { shiftItem } from '../../../src/store/shift-item';
import { DynamoStateSource } from '../../../src/store/state-source';
import { trainingItem } from '../../../src/store/training-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'three-paths-token-0123456789';
/** Stands for the run's own app id; each run's rules and state are deleted after it. */
const APP = '<app>';
const EMAILS = ['alice@example.com', 'bob@example.com', 'carol@partner.org'];
const PERMISSIONS = ['read', 'write', 'admin'];
const SCHEDULES = ['db-primary', 'web'];
const COURSES = ['security-101', 'privacy'];
/** Includes a name that collides with Object.prototype's. */
const FIELD_NAMES = ['ticket', 'env', 'constructor'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const HOUR = 3_600_000;

const who = fc.constantFrom(undefined, 'target', 'requester');
/** Any value an item may hold that DynamoDB stores as it is (no number beyond a double's exact integers). */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1_000, max: 1_000 }),
  fc.string({ maxLength: 8 }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const emailList = fc.subarray(
  EMAILS.map((email) => email.toUpperCase()),
  { minLength: 1 },
);
const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

/** Every condition the engine reads, as an admin would write it. */
const validLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ all: [] }),
  fc.record({ on_call: fc.record({ schedule: fc.constantFrom(...SCHEDULES), who, escalation_level_at_most: fc.constantFrom(undefined, 1, 2) }) }),
  fc.record({ email_in: fc.oneof(emailList, fc.record({ values: emailList, who })) }),
  fc.record({ email_domain_in: fc.subarray(['example.com', '@partner.org', 'other.net'], { minLength: 1 }) }),
  fc.record({ permission_in: fc.subarray(PERMISSIONS, { minLength: 1 }) }),
  fc.record({ access_length_at_most: fc.constantFrom(0, 3_600, 8 * 3_600) }),
  fc.record({ self_request: fc.boolean() }),
  fc.record({
    custom_field: fc.oneof(
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), equals: fc.constantFrom('INC-1', 'prod'), ignore_case: fc.constantFrom(undefined, true) }),
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), in: fc.subarray(['prod', 'staging', 'INC-7'], { minLength: 1 }) }),
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), matches: fc.constantFrom('^INC-\\d+$', '^(prod|staging)$') }),
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), present: fc.boolean() }),
    ),
  }),
  fc.record({
    time_window: fc
      .record({ days: fc.subarray(DAYS, { minLength: 1 }), from: clock, to: clock, tz: fc.constantFrom('UTC', 'Europe/Berlin', 'America/Los_Angeles') })
      .filter((window) => window.from !== window.to),
  }),
  fc.record({ training: fc.record({ course: fc.constantFrom(...COURSES), within_days: fc.constantFrom(undefined, 30, 365), who }) }),
);

/** Conditions with a mistake in them: the rule item is invalid. */
const badLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ on_call: fc.record({ scheduel: fc.constantFrom(...SCHEDULES) }) }),
  fc.record({ email_in: fc.constant([]) }),
  fc.record({ access_length_at_most: fc.constantFrom(-1, '3600') }),
  fc.record({ custom_field: fc.record({ name: fc.constant('ticket'), matches: fc.constantFrom('(a+)+$', '(') }) }),
  fc.record({ time_window: fc.record({ days: fc.constant(['Friday']), from: clock, to: clock, tz: fc.constant('Mars/Base') }) }),
  fc.record({ training: fc.record({ course: fc.constant('') }) }),
  garbage,
);

const leaf = fc.oneof({ weight: 6, arbitrary: validLeaf }, { weight: 1, arbitrary: badLeaf });
const when: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const withoutUndefined = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));

/** What every kind's rule may set; `undefined` is left out. */
const common = {
  app_id: fc.constantFrom(APP, APP, '*'),
  rule_id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'),
  enabled: fc.constantFrom(undefined, true, true, false),
  priority: fc.constantFrom(undefined, -1, 0, 5),
  permissions: fc.option(fc.subarray(PERMISSIONS, { minLength: 1 }), { nil: undefined, freq: 2 }),
  mode: fc.constantFrom(undefined, 'enforce', 'enforce', 'shadow'),
};

const preApprovalRule = fc.record({ ...common, kind: fc.constant('pre_approval'), effect: fc.constantFrom('allow', 'allow', 'deny'), when });
const requirement = fc.record({
  ...common,
  kind: fc.constant('request_validation'),
  when,
  message: fc.constantFrom(undefined, 'Complete {course} before requesting {app} ({permission}) as {email}.', 'Ask your manager.'),
});
/** Only the `ledger` provisioner: an http one would call a target system that is not here. */
const provisioningRule = fc.record({
  ...common,
  kind: fc.constant('provisioning'),
  provisioner: fc.constantFrom('ledger', 'ledger', 'ledger', 'crm', { type: 'ledger', extra: 1 }),
  when: fc.option(when, { nil: undefined, freq: 2 }),
});

/** One to three attributes broken: removed, or replaced by any JSON or a near miss. */
function broken(item: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      item,
      fc.array(fc.tuple(fc.constantFrom('kind', 'enabled', 'priority', 'permissions', 'effect', 'mode', 'message', 'when'), garbage), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([valid, breaks]) => ({ ...valid, ...Object.fromEntries(breaks) }));
}

const RULES_OF: Record<RuleKind, fc.Arbitrary<Record<string, unknown>>> = {
  pre_approval: preApprovalRule,
  request_validation: requirement,
  provisioning: provisioningRule,
};

/** A rule of the kind that often holds: one valid condition, or none. */
const PLAIN_RULES_OF: Record<RuleKind, fc.Arbitrary<Record<string, unknown>>> = {
  pre_approval: fc.record({ app_id: common.app_id, rule_id: common.rule_id, kind: fc.constant('pre_approval'), effect: fc.constant('allow'), when: validLeaf }),
  request_validation: fc.record({ app_id: common.app_id, rule_id: common.rule_id, kind: fc.constant('request_validation'), when: validLeaf }),
  provisioning: fc.record({ app_id: common.app_id, rule_id: common.rule_id, kind: fc.constant('provisioning'), provisioner: fc.constant('ledger') }),
};

/** Mostly the call's own kind, so its rules decide (plain ones often enough to reach every answer); some of the others, which must change nothing. */
const rulesFor = (kind: RuleKind) =>
  fc.array(
    fc
      .oneof(
        { weight: 5, arbitrary: RULES_OF[kind] },
        { weight: 5, arbitrary: PLAIN_RULES_OF[kind] },
        { weight: 2, arbitrary: fc.oneof(preApprovalRule, requirement, provisioningRule) },
        { weight: 2, arbitrary: broken(RULES_OF[kind]) },
      )
      .map(withoutUndefined),
    { maxLength: 4 },
  );

/** The request, and the state around `now`: shifts starting within a day either side, training done within two years. */
const scenario = (kind: RuleKind) =>
  fc.record({
    kind: fc.constant(kind),
    rules: rulesFor(kind),
    label: fc.constantFrom(undefined, 'Demo App'),
    permissions: fc.subarray(PERMISSIONS),
    permissionLabel: fc.constantFrom(undefined, 'Read access'),
    target: fc.constantFrom(...EMAILS),
    requester: fc.option(fc.constantFrom(...EMAILS), { nil: undefined }),
    accessLength: fc.option(fc.constantFrom(1_800, 3_600, 10 * 3_600), { nil: undefined }),
    customFields: fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.oneof(fc.constantFrom('INC-1', 'inc-1', 'prod', 'dev'), fc.subarray(['INC-7', 'staging']))),
    now: fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }),
    shifts: fc.array(
      fc.record({
        schedule: fc.constantFrom(...SCHEDULES),
        email: fc.constantFrom(...EMAILS),
        startHours: fc.integer({ min: -24, max: 24 }),
        hours: fc.integer({ min: 1, max: 24 }),
        level: fc.constantFrom(undefined, 1, 3),
      }),
      { maxLength: 4 },
    ),
    trainings: fc.array(
      fc.record({ email: fc.constantFrom(...EMAILS), course: fc.constantFrom(...COURSES), daysAgo: fc.integer({ min: 0, max: 730 }), expires: fc.boolean() }),
      { maxLength: 3 },
    ),
  });
type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

/** One scenario per answer, run before the arbitrary ones, so each answer is checked every time. */
function example(kind: RuleKind, rules: Record<string, unknown>[]): [Scenario] {
  const base = { app_id: APP, rule_id: 'r1', kind };
  return [
    {
      kind,
      rules: rules.map((rule) => ({ ...base, ...rule })),
      label: undefined,
      permissions: ['read'],
      permissionLabel: undefined,
      target: 'alice@example.com',
      requester: undefined,
      accessLength: 3_600,
      customFields: {},
      now: new Date('2026-03-29T00:30:00Z'),
      shifts: [],
      trainings: [],
    },
  ];
}

const EXAMPLES: Record<RuleKind, [Scenario][]> = {
  pre_approval: [example('pre_approval', [{ effect: 'allow', when: { all: [] } }]), example('pre_approval', [])],
  request_validation: [
    example('request_validation', []),
    example('request_validation', [{ when: { training: { course: 'security-101' } } }]),
    example('request_validation', [{ when: { oncall: { schedule: 'web' } } }]),
  ],
  provisioning: [example('provisioning', [{ provisioner: 'ledger' }]), example('provisioning', []), example('provisioning', [{ provisioner: 'crm' }])],
};

const ANSWERS: Record<RuleKind, string[]> = {
  pre_approval: ['PREAPPROVED', 'NOT_PREAPPROVED'],
  request_validation: ['VALIDATION_PASSED', 'VALIDATION_FAILED', 'failure'],
  provisioning: ['PROVISIONED', 'NO_PROVISIONING_ACTION', 'PROVISIONING_FAILED'],
};

let deployment: TestDeployment;
const documents = testDocumentClient();
let target: RulesTables;
let services: Record<RuleKind, KindService>;
let run = 0;
const seen: Record<RuleKind, Set<string>> = { pre_approval: new Set(), request_validation: new Set(), provisioning: new Set() };

beforeAll(async () => {
  // No rule cache: each run's `*` rules are new.
  deployment = await testDeployment(TOKEN, { env: { RULE_CACHE_SECONDS: '0' } });
  const { tables, deps, endpoint } = deployment;
  target = await openRulesTables({ endpoint, rulesTable: tables.RULES_TABLE, auditTable: tables.AUDIT_TABLE, stateTable: tables.STATE_TABLE });
  services = {
    pre_approval: new PreApprovalService(deps),
    // The defaults decideCase and the replay decide with: fail mode closed, the default message.
    request_validation: new RequestValidationService(deps, 'closed'),
    provisioning: new ProvisioningService(deps),
  };
});
afterAll(() => {
  target?.close();
  documents.destroy();
});

type Writes = NonNullable<BatchWriteCommandInput['RequestItems']>;

/** Puts (or deletes) the run's items: the rules and the state together, 25 to a request. */
async function batch(items: Record<string, Record<string, unknown>[]>, put: boolean): Promise<void> {
  const writes = Object.entries(items).flatMap(([table, list]) =>
    list.map((item) => ({ table, write: put ? { PutRequest: { Item: item } } : { DeleteRequest: { Key: keyOf(table, item) } } })),
  );
  for (let start = 0; start < writes.length; start += 25) {
    let pending: Writes | undefined = {};
    for (const { table, write } of writes.slice(start, start + 25)) pending[table] = [...(pending[table] ?? []), write];
    while (pending !== undefined && Object.keys(pending).length > 0) {
      pending = (await documents.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems;
    }
  }
}

function keyOf(table: string, item: Record<string, unknown>): Record<string, unknown> {
  return table === deployment.tables.RULES_TABLE ? { app_id: item.app_id, rule_id: item.rule_id } : { pk: item.pk, sk: item.sk };
}

/** A table holds one item per key: the last written. */
function lastPerKey(items: readonly Record<string, unknown>[], key: (item: Record<string, unknown>) => unknown[]): Record<string, unknown>[] {
  return [...new Map(items.map((item) => [JSON.stringify(key(item)), item])).values()];
}

const stored = (rules: readonly Record<string, unknown>[], appId: string) =>
  lastPerKey(
    rules.map((rule) => ({ ...rule, app_id: rule.app_id === APP ? appId : rule.app_id })),
    (item) => [item.app_id, item.rule_id],
  );

function stateItems(s: Scenario): Record<string, unknown>[] {
  const at = s.now.getTime();
  return lastPerKey(
    [
      ...s.shifts.map(
        (shift): Record<string, unknown> => ({
          ...shiftItem(shift.schedule, shift.email, new Date(at + shift.startHours * HOUR), new Date(at + (shift.startHours + shift.hours) * HOUR), {
            ...(shift.level === undefined ? {} : { escalationLevel: shift.level }),
          }),
        }),
      ),
      ...s.trainings.map((training): Record<string, unknown> => {
        const completed = new Date(at - training.daysAgo * 24 * HOUR);
        return {
          ...trainingItem(training.email, training.course, completed, training.expires ? { expiresAt: new Date(completed.getTime() + 365 * 24 * HOUR) } : {}),
        };
      }),
    ],
    (item) => [item.pk, item.sk],
  );
}

function payload(s: Scenario, appId: string, task: string): Record<string, unknown> {
  return {
    application: { app_id: appId, ...(s.label === undefined ? {} : { user_friendly_label: s.label }) },
    permissions: s.permissions.map((value, index) => ({ value, ...(index === 0 && s.permissionLabel !== undefined ? { label: s.permissionLabel } : {}) })),
    target_user: { email: s.target },
    ...(s.requester === undefined ? {} : { requester_user: { email: s.requester } }),
    ...(s.accessLength === undefined ? {} : { access_length: s.accessLength }),
    custom_fields: s.customFields,
    request_task_url: task,
  };
}

async function checkThreePaths(s: Scenario): Promise<void> {
  run += 1;
  const appId = `app-${run}`;
  const task = `https://lumos.example/tasks/${run}`;
  const { tables } = deployment;
  const rules = stored(s.rules, appId);
  const state = stateItems(s);
  await batch({ [tables.RULES_TABLE]: rules, [tables.STATE_TABLE]: state }, true);
  try {
    // The service, as the webhook runs it
    const parsed = parsePayload(payload(s, appId, task), s.kind);
    if (!parsed.ok) throw new Error(`the scenario's payload is refused: ${JSON.stringify(parsed.issues)}`);
    const reply = await services[s.kind].handle(parsed.request, { requestId: `r${run}`, deadline: new Deadline(8_000), at: s.now, receivedAt: Date.now() });
    const [audited, ...others] = await auditedCallsOf(target, tables.AUDIT_TABLE, task);
    if (audited === undefined || others.length > 0) throw new Error(`expected one audit item for ${task}`);

    // explain: the rules table and the state table as the CLI reads them, at the call's time
    const entries = new RulesByApp(await readRuleTable(target)).for(appId);
    const request = requestFacts(parsed.request);
    const { facts } = await loadFacts(new DynamoStateSource(target.documents, tables.STATE_TABLE), s.now, entries, s.kind, request, new Deadline(8_000));
    const explained = decideCase(s.kind, parsed.request, entries, facts);

    // explain --request: the audit item decided again under the same rules
    const replay = replayCall(audited, entries);
    if (!replay.replayable) throw new Error(`not replayable: ${replay.why}`);

    const outcome = replyOutcome(s.kind, reply);
    seen[s.kind].add(audited.decision);
    // Same reply, same message (and the same reason, where the reply carries one)
    expect(explained.reply).toBe(outcome);
    expect(explained.message).toBe(reply.body?.message);
    expect(explained.reason).toBe(reply.body?.reason);
    expect(replay.changed).toBe(false);
    expect(explained.trace).toEqual(replay.trace);
    if (s.kind === 'provisioning') {
      // Same rules: each permission's, as the service recorded them
      const ruleIds = [...new Set((audited.results ?? []).flatMap((result) => (result.rule_id === undefined ? [] : [result.rule_id])))];
      expect(explained.rule_id).toBe(ruleIds.join(', ') || undefined);
      expect(replay.after).toEqual(replay.before);
      expect(replay.after.rule_ids).toEqual(ruleIds);
      return;
    }
    // Same decision and rules as the audit item records them
    expect(replay.after.decision).toBe(audited.decision);
    // `failure`: request validation could not run, and failed closed
    if (audited.decision === 'failure') expect([s.kind, outcome]).toEqual(['request_validation', LUMOS_RESPONSE.VALIDATION_FAILED]);
    else expect(audited.decision).toBe(outcome);
    expect(explained.rule_id).toBe(audited.rule_id);
    expect(replay.after.rule_ids[0]).toBe(audited.rule_id);
    expect(replay.after.message).toBe(audited.decision === LUMOS_RESPONSE.VALIDATION_FAILED ? reply.body?.message : undefined);
  } finally {
    await batch({ [tables.RULES_TABLE]: rules, [tables.STATE_TABLE]: state }, false);
  }
}

describe('the service, explain and the replay, over arbitrary rules, requests and state', () => {
  it.each(['pre_approval', 'request_validation', 'provisioning'] as const)('answer %s with the same reply, message and rules', async (kind) => {
    await fc.assert(fc.asyncProperty(scenario(kind), checkThreePaths), { numRuns: 25, examples: EXAMPLES[kind] });
    // Every answer was checked (the examples see to it; the arbitrary scenarios reach each too, just not every time).
    expect([...seen[kind]].sort()).toEqual([...ANSWERS[kind]].sort());
  });
});
