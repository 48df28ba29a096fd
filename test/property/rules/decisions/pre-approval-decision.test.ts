import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decidePreApproval } from '../../../../src/rules/decisions/pre-approval-decision';
import { evaluate } from '../../../../src/rules/evaluation';
import type { Facts, RequestFacts, Shift } from '../../../../src/rules/facts';
import { parseRuleItem, type RuleEntry } from '../../../../src/rules/rule-item';
import { coversPermissions, scopeOf } from '../../../../src/rules/scope';

const EMAILS = ['alice@example.com', 'bob@example.com', 'carol@partner.org'];
const PERMISSIONS = ['read', 'write', 'admin'];
const SCHEDULES = ['db-primary', 'web'];
/** Includes names an admin may pick that collide with Object.prototype. */
const FIELD_NAMES = ['ticket', 'env', 'constructor'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'Mars/Base'];
const MIN_DATE = new Date('2026-01-01T00:00:00Z');
const MAX_DATE = new Date('2026-12-31T23:59:59Z');

const garbage = fc.jsonValue({ maxDepth: 2 });
const validClock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const anyClock = fc.oneof(validClock, fc.constantFrom('24:00', '9am', '24:30', ''));
const validWho = fc.constantFrom(undefined, 'target', 'requester');
const emailList = fc.subarray(
  EMAILS.map((email) => email.toUpperCase()),
  { minLength: 1 },
);
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Leaves an admin would write correctly. */
const validLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ all: [] }),
  fc.record({ on_call: fc.record({ schedule: fc.constantFrom(...SCHEDULES), who: validWho }, { requiredKeys: ['schedule'] }) }),
  fc.record({ email_in: fc.oneof(emailList, fc.record({ values: emailList, who: validWho })) }),
  fc.record({ email_domain_in: fc.subarray(['example.com', '@partner.org', 'other.net'], { minLength: 1 }) }),
  fc.record({ permission_in: fc.subarray(PERMISSIONS, { minLength: 1 }) }),
  fc.record({ access_length_at_most: fc.nat({ max: 200_000 }) }),
  fc.record({ self_request: fc.boolean() }),
  fc.record({
    custom_field: fc.oneof(
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), equals: fc.constantFrom('INC-1', 'prod') }),
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), in: fc.subarray(['prod', 'staging', 'INC-7'], { minLength: 1 }) }),
      fc.record({ name: fc.constantFrom(...FIELD_NAMES), matches: fc.constantFrom('^INC-\\d+$', '^(prod|staging)$', 'x+') }),
    ),
  }),
  fc.record({
    time_window: fc
      .record({ days: fc.subarray(DAYS, { minLength: 1 }), from: validClock, to: validClock, tz: fc.constantFrom(...ZONES.slice(0, 4)) })
      .filter((w) => w.from !== w.to),
  }),
);

/** Leaves with a mistake in them. */
const badLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ on_call: fc.record({ scheduel: fc.constantFrom(...SCHEDULES) }) }),
  fc.record({ oncall: fc.record({ schedule: fc.constantFrom(...SCHEDULES) }) }),
  fc.record({ on_call: fc.record({ schedule: fc.constantFrom(...SCHEDULES), who: fc.constant('boss') }) }),
  fc.record({ email_in: fc.constant([]) }),
  fc.record({ access_length_at_most: fc.constantFrom(-1, '3600') }),
  fc.record({ self_request: fc.constant('yes') }),
  fc.record({ custom_field: fc.record({ name: fc.constant('ticket'), matches: fc.constantFrom('(a+)+$', '(') }) }),
  fc.record({ custom_field: fc.record({ name: fc.constant('ticket'), equals: fc.constant('x'), in: fc.constant(['y']) }) }),
  fc.record({ time_window: fc.record({ days: fc.constant(['Friday']), from: anyClock, to: anyClock, tz: fc.constantFrom(...ZONES) }) }),
  fc.record({ training: fc.record({ course: fc.string() }) }),
  fc.constant({ self_request: true, permission_in: ['read'] }),
  garbage,
);

function tree(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
      fc.record({ not: tie('node') }),
    ),
  })).node;
}

const validWhen = tree(validLeaf);
const anyWhen = tree(fc.oneof({ weight: 4, arbitrary: validLeaf }, { weight: 1, arbitrary: badLeaf }));

/** A well-formed rule item (of any kind; mostly pre_approval). */
const validItem: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    app_id: fc.constantFrom('app-1', '*'),
    rule_id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
    kind: fc.constantFrom('pre_approval', 'pre_approval', 'pre_approval', 'request_validation', 'provisioning'),
    enabled: fc.constantFrom(undefined, true, true, false),
    priority: fc.option(fc.integer({ min: -10, max: 10 }), { nil: undefined }),
    permissions: fc.option(fc.subarray(PERMISSIONS, { minLength: 1 }), { nil: undefined }),
    when: validWhen,
    effect: fc.constantFrom('allow', 'allow', 'deny'),
    mode: fc.constantFrom(undefined, 'enforce', 'shadow'),
    notes: fc.option(fc.string(), { nil: undefined }),
  })
  .map(withoutUndefined);

const ATTRIBUTES = ['app_id', 'rule_id', 'kind', 'enabled', 'priority', 'permissions', 'when', 'effect', 'mode'];

/** A well-formed item with one to three attributes broken: removed, replaced by any JSON, or a typo'd `when`. */
const corruptItem: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    validItem,
    fc.array(
      fc.tuple(
        fc.constantFrom(...ATTRIBUTES),
        fc.oneof(fc.constant(undefined), garbage, fc.constantFrom('preapproval', 'permit', 'dry-run', 'false')),
        anyWhen,
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([item, breaks]) => {
    const broken: Record<string, unknown> = { ...item };
    for (const [attribute, value, when] of breaks) broken[attribute] = attribute === 'when' ? when : value;
    return withoutUndefined(broken);
  });

const ruleItemLike = fc.oneof({ weight: 5, arbitrary: validItem }, { weight: 1, arbitrary: corruptItem });

function withoutUndefined(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

const requestArb: fc.Arbitrary<RequestFacts> = fc.record({
  appId: fc.constant('app-1'),
  permissions: fc.subarray(PERMISSIONS, { minLength: 1 }),
  target: fc.constantFrom(...EMAILS),
  requester: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
  accessLength: fc.option(fc.nat({ max: 200_000 }), { nil: null }),
  customFields: fc.dictionary(
    fc.constantFrom('ticket', 'env'),
    fc.oneof(fc.constantFrom('INC-1', 'prod', 'dev', 'x'.repeat(1_001)), fc.subarray(['INC-7', 'staging', 'qa'])),
  ),
});

/** Shifts start within a day either side of `now`, so on_call holds often enough to matter. */
const factsArb: fc.Arbitrary<Facts> = fc
  .record({
    request: requestArb,
    now: fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }),
    shifts: fc.array(
      fc.record({
        schedule: fc.constantFrom(...SCHEDULES),
        email: fc.constantFrom(...EMAILS),
        startOffsetMinutes: fc.integer({ min: -24 * 60, max: 24 * 60 }),
        lengthMinutes: fc.integer({ min: 1, max: 24 * 60 }),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ request, now, shifts }) => ({
    request,
    now,
    shifts: shifts.map(({ schedule, email, startOffsetMinutes, lengthMinutes }): Shift => {
      const start = now.getTime() + startOffsetMinutes * 60_000;
      return { schedule, email, starts_at: new Date(start).toISOString(), ends_at: new Date(start + lengthMinutes * 60_000).toISOString() };
    }),
  }));

/** Independent of the trace: an entry that on its own merits is an enforced, in-scope rule of `effect` that holds. */
function holds(entry: RuleEntry, effect: 'allow' | 'deny', facts: Facts): boolean {
  if (!entry.valid) return false;
  const { rule } = entry;
  return (
    rule.kind === 'pre_approval' &&
    rule.enabled &&
    rule.mode === 'enforce' &&
    rule.effect === effect &&
    coversPermissions(rule.permissions, facts.request.permissions) &&
    rule.when !== undefined &&
    evaluate(rule.when, facts).ok
  );
}

describe('decidePreApproval over arbitrary rules and facts', () => {
  it('never throws, and approves only with an enforced matching allow, no enforced matching deny and no invalid rule in scope', () => {
    let approvals = 0;
    fc.assert(
      fc.property(fc.array(ruleItemLike, { maxLength: 5 }), factsArb, (items, facts) => {
        // Prepare
        const entries = items.map(parseRuleItem);
        // Act
        const decision = decidePreApproval(entries, facts);
        // Assess
        expect(typeof decision.approved).toBe('boolean');
        expect(decision.reason.length).toBeGreaterThan(0);
        if (!decision.approved) return;
        approvals++;
        const { trace } = decision;
        const decider = trace.find(
          (item) => item.rule_id === decision.rule_id && item.outcome === 'matched' && item.mode === 'enforce' && item.effect === 'allow',
        );
        expect(decider).toBeDefined();
        expect(trace.some((item) => item.outcome === 'matched' && item.mode === 'enforce' && item.effect === 'deny')).toBe(false);
        // An invalid shadow rule may be traced; an invalid enforced one never lets an approval through.
        expect(trace.some((item) => item.outcome === 'invalid' && item.mode !== 'shadow')).toBe(false);
        // And independently of the trace, from the entries themselves:
        expect(entries.some((entry) => holds(entry, 'allow', facts))).toBe(true);
        expect(entries.some((entry) => holds(entry, 'deny', facts))).toBe(false);
        expect(
          entries.some((entry) => !entry.valid && entry.invalid.mode !== 'shadow' && scopeOf(entry, 'pre_approval', facts.request.permissions).inScope),
        ).toBe(false);
      }),
      { numRuns: 2_000 },
    );
    // The generators must reach approvals, or the property says nothing.
    expect(approvals).toBeGreaterThan(20);
  });

  it('refuses whenever an invalid pre_approval item is enabled and unrestricted', () => {
    fc.assert(
      fc.property(fc.array(ruleItemLike, { maxLength: 4 }), factsArb, (items, facts) => {
        // Prepare: an item that cannot be valid (effect is garbage) but is plainly in scope.
        const broken = { app_id: 'app-1', rule_id: 'broken', kind: 'pre_approval', effect: 'permit', when: { all: [] } };
        const entries = [...items, broken].map(parseRuleItem);
        // Act
        const decision = decidePreApproval(entries, facts);
        // Assess
        expect(decision.approved).toBe(false);
        expect(decision.trace).toContainEqual(expect.objectContaining({ rule_id: 'broken', outcome: 'invalid' }));
      }),
      { numRuns: 300 },
    );
  });
});
