import { describe, expect, it } from 'vitest';
import { parsePayload } from '../../../src/lumos/payload';
import { evaluate } from '../../../src/rules/evaluation';
import type { Facts } from '../../../src/rules/facts';
import { requestFacts } from '../../../src/services/request-facts';
import { ALICE, BOB, condition, facts, shift } from '../../support/rules';

const SHIFT_START = '2026-03-29T00:00:00Z';
const SHIFT_END = '2026-03-29T08:00:00Z';

describe('on_call', () => {
  const onCall = condition({ on_call: { schedule: 'db-primary' } });
  const aliceShift = shift(ALICE, SHIFT_START, SHIFT_END);

  it.each([
    ['one second before the shift', '2026-03-28T23:59:59Z', false],
    ['at the first instant of the shift', '2026-03-29T00:00:00Z', true],
    ['during the shift', '2026-03-29T04:00:00Z', true],
    ['one millisecond before the end', '2026-03-29T07:59:59.999Z', true],
    ['at the end (exclusive)', '2026-03-29T08:00:00Z', false],
    ['after the shift', '2026-03-29T09:00:00Z', false],
  ])('the target is %s: on call = %s', (_label, now, expected) => {
    const outcome = evaluate(onCall, facts({ now: new Date(now), shifts: [aliceShift] }));
    expect(outcome.ok).toBe(expected);
  });

  it('names the person, the schedule and the shift end when on call', () => {
    const outcome = evaluate(onCall, facts({ now: new Date('2026-03-29T04:00:00Z'), shifts: [aliceShift] }));
    expect(outcome).toEqual({ ok: true, detail: `${ALICE} is on call for db-primary until ${SHIFT_END}` });
  });

  it('names the person and the schedule when not on call', () => {
    const outcome = evaluate(onCall, facts({ now: new Date('2026-03-29T09:00:00Z'), shifts: [aliceShift] }));
    expect(outcome).toEqual({ ok: false, detail: `${ALICE} is not on call for db-primary` });
  });

  it('ignores shifts on another schedule or for another person', () => {
    // Prepare
    const shifts = [shift(ALICE, SHIFT_START, SHIFT_END, 'web'), shift(BOB, SHIFT_START, SHIFT_END)];
    // Act
    const outcome = evaluate(onCall, facts({ now: new Date('2026-03-29T04:00:00Z'), shifts }));
    // Assess
    expect(outcome.ok).toBe(false);
  });

  it('finds the current shift among several for the same person', () => {
    const shifts = [shift(ALICE, '2026-03-27T00:00:00Z', '2026-03-27T08:00:00Z'), aliceShift];
    const outcome = evaluate(onCall, facts({ now: new Date('2026-03-29T04:00:00Z'), shifts }));
    expect(outcome.ok).toBe(true);
  });

  it('asks about the requester with who: requester, and about the target otherwise', () => {
    // Prepare: Bob (the requester) is on call, Alice (the target) is not.
    const state = facts({ now: new Date('2026-03-29T04:00:00Z'), shifts: [shift(BOB, SHIFT_START, SHIFT_END)] });
    // Act
    const requesterOnCall = evaluate(condition({ on_call: { schedule: 'db-primary', who: 'requester' } }), state);
    const targetOnCall = evaluate(onCall, state);
    // Assess
    expect(requesterOnCall).toEqual({ ok: true, detail: `${BOB} is on call for db-primary until ${SHIFT_END}` });
    expect(targetOnCall.ok).toBe(false);
  });

  it('leaves who: requester undecided when the request has no requester, even under not', () => {
    const state = facts({ request: { requester: null }, now: new Date('2026-03-29T04:00:00Z'), shifts: [aliceShift] });
    const outcome = evaluate(condition({ on_call: { schedule: 'db-primary', who: 'requester' } }), state);
    expect(outcome).toEqual({ ok: false, unknown: true, detail: 'no requester email to check on call' });
    expect(evaluate(condition({ not: { on_call: { schedule: 'db-primary', who: 'requester' } } }), state)).toMatchObject({ ok: false, unknown: true });
  });
});

/** Facts from a real Lumos payload, so emails arrive the way the payload module normalises them. */
function factsFromPayload(body: Record<string, unknown>, now = new Date('2026-03-29T04:00:00Z')): Facts {
  const parsed = parsePayload({ application: { app_id: 'app-1' }, permissions: [{ value: 'read' }], ...body }, 'pre_approval');
  if (!parsed.ok) throw new Error(`payload rejected: ${JSON.stringify(parsed.issues)}`);
  return { request: requestFacts(parsed.request), now, shifts: [] };
}

describe('email_in and email_domain_in', () => {
  it('matches a listed target email whatever its case in the payload and in the rule', () => {
    // Prepare
    const state = factsFromPayload({ target_user: { email: '  Alice@Example.COM ' }, requester_user: { email: 'BOB@example.com' } });
    // Act / Assess
    expect(evaluate(condition({ email_in: ['ALICE@example.com'] }), state)).toEqual({ ok: true, detail: `${ALICE} is listed` });
    expect(evaluate(condition({ email_in: [BOB] }), state)).toEqual({ ok: false, detail: `${ALICE} is not in the list` });
    expect(evaluate(condition({ email_in: { values: ['bob@EXAMPLE.com'], who: 'requester' } }), state).ok).toBe(true);
  });

  it('leaves email_in about the requester undecided when there is none', () => {
    const outcome = evaluate(condition({ email_in: { values: [ALICE], who: 'requester' } }), facts({ request: { requester: null } }));
    expect(outcome).toEqual({ ok: false, unknown: true, detail: 'no requester email' });
  });

  it('matches the domain exactly, with or without @ and whatever the case', () => {
    // Prepare
    const state = factsFromPayload({ target_user: { email: 'Alice@Example.com' } });
    // Act / Assess
    expect(evaluate(condition({ email_domain_in: ['@EXAMPLE.com'] }), state)).toEqual({ ok: true, detail: 'domain example.com is listed' });
    expect(evaluate(condition({ email_domain_in: ['partner.org', 'example.com'] }), state).ok).toBe(true);
    expect(evaluate(condition({ email_domain_in: ['partner.org', 'mail.example.com'] }), state)).toEqual({
      ok: false,
      detail: 'domain example.com is not in partner.org, mail.example.com',
    });
  });

  it('does not take a look-alike domain for a listed one', () => {
    const state = facts({ request: { target: 'mallory@evil-example.com' } });
    expect(evaluate(condition({ email_domain_in: ['example.com'] }), state).ok).toBe(false);
    const subdomain = facts({ request: { target: 'mallory@example.com.evil.io' } });
    expect(evaluate(condition({ email_domain_in: ['example.com'] }), subdomain).ok).toBe(false);
  });

  it('checks the requester domain with who: requester', () => {
    const state = facts({ request: { target: ALICE, requester: 'carol@contractor.io' } });
    expect(evaluate(condition({ email_domain_in: { values: ['contractor.io'], who: 'requester' } }), state).ok).toBe(true);
    expect(evaluate(condition({ email_domain_in: ['contractor.io'] }), state).ok).toBe(false);
  });
});

describe('permission_in', () => {
  const readOrWrite = condition({ permission_in: ['read', 'write'] });

  it.each([
    [['read'], true],
    [['read', 'write'], true],
    [['admin'], false],
    [['read', 'admin'], false],
  ])('requested %j: holds = %s', (permissions, expected) => {
    expect(evaluate(readOrWrite, facts({ request: { permissions } })).ok).toBe(expected);
  });

  it('names the permissions that are not listed', () => {
    const outcome = evaluate(readOrWrite, facts({ request: { permissions: ['read', 'admin', 'root'] } }));
    expect(outcome).toEqual({ ok: false, detail: 'permission admin, root is not listed' });
  });

  it('is undecided for the app itself (no permission requested), so it never widens access', () => {
    const outcome = evaluate(readOrWrite, facts({ request: { permissions: [] } }));
    expect(outcome).toEqual({ ok: false, unknown: true, detail: 'no permission requested (a request for the app itself)' });
  });
});

describe('access_length_at_most', () => {
  const oneHour = condition({ access_length_at_most: 3600 });

  it.each([
    [0, true],
    [3599, true],
    [3600, true],
    [3601, false],
    [null, false],
  ])('access_length %s against at most 3600 s: holds = %s', (accessLength, expected) => {
    expect(evaluate(oneHour, facts({ request: { accessLength } })).ok).toBe(expected);
  });

  it('explains why unlimited and too-long access fail', () => {
    expect(evaluate(oneHour, facts({ request: { accessLength: null } }))).toEqual({ ok: false, detail: 'unlimited access is longer than 3600 s' });
    expect(evaluate(oneHour, facts({ request: { accessLength: 7200 } }))).toEqual({ ok: false, detail: 'access_length 7200 s > 3600 s' });
    expect(evaluate(oneHour, facts({ request: { accessLength: 3600 } }))).toEqual({ ok: true, detail: 'access_length 3600 s ≤ 3600 s' });
  });

  it('treats a payload without access_length as unlimited', () => {
    const state = factsFromPayload({ target_user: { email: ALICE } });
    expect(state.request.accessLength).toBeNull();
    expect(evaluate(oneHour, state).ok).toBe(false);
  });
});

describe('self_request', () => {
  it.each([
    ['true', true, ALICE, ALICE, true, 'requester is the target'],
    ['true', true, BOB, ALICE, false, 'requester is not the target'],
    ['false', false, BOB, ALICE, true, 'requester is not the target'],
    ['false', false, ALICE, ALICE, false, 'requester is the target'],
  ])('self_request %s, requester %s, target %s', (_label, value, requester, target, ok, detail) => {
    expect(evaluate(condition({ self_request: value }), facts({ request: { requester, target } }))).toEqual({ ok, detail });
  });

  it('is undecided either way when there is no requester, so not cannot turn it into a match', () => {
    const state = facts({ request: { requester: null } });
    expect(evaluate(condition({ self_request: true }), state)).toEqual({ ok: false, unknown: true, detail: 'no requester email to compare' });
    expect(evaluate(condition({ self_request: false }), state)).toEqual({ ok: false, unknown: true, detail: 'no requester email to compare' });
    expect(evaluate(condition({ not: { self_request: true } }), state)).toMatchObject({ ok: false, unknown: true });
  });

  it('sees a self-request whose emails differ only in case in the payload', () => {
    const state = factsFromPayload({ target_user: { email: 'Alice@Example.com' }, requester_user: { email: 'alice@example.COM' } });
    expect(evaluate(condition({ self_request: true }), state).ok).toBe(true);
  });
});

describe('custom_field', () => {
  const ticket = condition({ custom_field: { name: 'ticket', equals: 'INC-1' } });
  const env = condition({ custom_field: { name: 'env', in: ['prod', 'staging'] } });
  const pattern = condition({ custom_field: { name: 'ticket', matches: '^INC-\\d+$' } });

  it('equals compares the whole value, case-sensitively', () => {
    expect(evaluate(ticket, facts({ request: { customFields: { ticket: 'INC-1' } } }))).toEqual({
      ok: true,
      detail: 'custom field "ticket" does equal "INC-1"',
    });
    expect(evaluate(ticket, facts({ request: { customFields: { ticket: 'inc-1' } } }))).toEqual({
      ok: false,
      detail: 'custom field "ticket" does not equal "INC-1"',
    });
    expect(evaluate(ticket, facts({ request: { customFields: { ticket: 'INC-10' } } })).ok).toBe(false);
  });

  it('leaves an absent field undecided, so it never satisfies an allow and always triggers a deny', () => {
    expect(evaluate(ticket, facts({ request: { customFields: { other: 'INC-1' } } }))).toEqual({
      ok: false,
      unknown: true,
      detail: 'custom field "ticket" is absent',
    });
  });

  it('keeps an absent field undecided under not', () => {
    const notContractor = condition({ not: { custom_field: { name: 'employment_type', equals: 'contractor' } } });
    expect(evaluate(notContractor, facts({ request: { customFields: {} } }))).toMatchObject({ ok: false, unknown: true });
  });

  it.each([
    [true, { ticket: 'INC-1' }, true],
    [true, {}, false],
    [false, {}, true],
    [false, { ticket: 'INC-1' }, false],
  ])('decides present: %s always (fields %j → %s)', (present, customFields, ok) => {
    const outcome = evaluate(condition({ custom_field: { name: 'ticket', present } }), facts({ request: { customFields } }));
    expect(outcome.ok).toBe(ok);
    expect(outcome.unknown).toBeUndefined();
  });

  it.each([
    [{ equals: 'contractor', ignore_case: true }, 'Contractor', true],
    [{ equals: 'CONTRACTOR', ignore_case: true }, 'contractor', true],
    [{ in: ['Full-Time', 'contractor'], ignore_case: true }, 'full-time', true],
    [{ equals: 'contractor' }, 'Contractor', false],
    // Only ASCII letters fold: the Kelvin sign is not a "k", nor "É" an "é".
    [{ equals: 'kelvin', ignore_case: true }, '\u212Aelvin', false],
    [{ equals: 'école', ignore_case: true }, 'École', false],
  ])('compares %j with %j ignoring ASCII case only: %s', (test, answer, ok) => {
    const outcome = evaluate(condition({ custom_field: { name: 'type', ...test } }), facts({ request: { customFields: { type: answer } } }));
    expect(outcome.ok).toBe(ok);
  });

  it('matches a multi-select answer up to 4,000 characters in all, and leaves the rest undecided', () => {
    const pattern = condition({ custom_field: { name: 'tags', matches: '^ok$' } });
    const filler = (count: number) => Array.from({ length: count }, () => 'x'.repeat(1_000));
    expect(evaluate(pattern, facts({ request: { customFields: { tags: [...filler(3), 'ok'] } } }))).toMatchObject({ ok: true });
    expect(evaluate(pattern, facts({ request: { customFields: { tags: filler(4) } } }))).toEqual({
      ok: false,
      detail: 'custom field "tags" does not match /^ok$/',
    });
    expect(evaluate(pattern, facts({ request: { customFields: { tags: [...filler(255), 'ok'] } } }))).toEqual({
      ok: false,
      unknown: true,
      detail: 'custom field "tags" has more than 4000 characters in all; the rest was not matched against /^ok$/',
    });
  });

  it('matches the patterns that stall a backtracking engine, on RE2', () => {
    const stalling = condition({ custom_field: { name: 'ticket', matches: '^(a?){24}a{24}b' } });
    expect(evaluate(stalling, facts({ request: { customFields: { ticket: 'a'.repeat(48) } } }))).toMatchObject({ ok: false });
    expect(evaluate(stalling, facts({ request: { customFields: { ticket: `${'a'.repeat(48)}b` } } }))).toMatchObject({ ok: true });
  });

  it.each([
    ['prod', true],
    ['dev', false],
    [['dev', 'staging'], true],
    [['dev', 'qa'], false],
    [[], false],
  ])('in [prod, staging] against %j: holds = %s', (value, expected) => {
    expect(evaluate(env, facts({ request: { customFields: { env: value } } })).ok).toBe(expected);
  });

  it.each([
    ['INC-42', true],
    ['INC-', false],
    ['see INC-42', false],
    [['nope', 'INC-7'], true],
    [['nope', 'INC-x'], false],
  ])('matches /^INC-\\d+$/ against %j: holds = %s', (value, expected) => {
    expect(evaluate(pattern, facts({ request: { customFields: { ticket: value } } })).ok).toBe(expected);
  });

  it('names the pattern that failed', () => {
    expect(evaluate(pattern, facts({ request: { customFields: { ticket: 'INC-x' } } }))).toEqual({
      ok: false,
      detail: 'custom field "ticket" does not match /^INC-\\d+$/',
    });
  });

  it('never matches a value longer than 1000 characters, even one the pattern would match', () => {
    // Prepare
    const atCap = `INC-${'1'.repeat(996)}`;
    const overCap = `INC-${'1'.repeat(997)}`;
    // Act / Assess
    expect(atCap).toHaveLength(1000);
    expect(evaluate(pattern, facts({ request: { customFields: { ticket: atCap } } })).ok).toBe(true);
    expect(evaluate(pattern, facts({ request: { customFields: { ticket: overCap } } })).ok).toBe(false);
    expect(evaluate(pattern, facts({ request: { customFields: { ticket: [overCap, 'INC-1'] } } })).ok).toBe(true);
  });

  it('matches fields from a payload, including numbers and list answers', () => {
    // Prepare
    const state = factsFromPayload({
      target_user: { email: ALICE },
      custom_fields: { count: 3, envs: ['dev', 'prod'], approved: true },
    });
    // Act / Assess
    expect(evaluate(condition({ custom_field: { name: 'count', equals: '3' } }), state).ok).toBe(true);
    expect(evaluate(condition({ custom_field: { name: 'envs', in: ['prod'] } }), state).ok).toBe(true);
    expect(evaluate(condition({ custom_field: { name: 'approved', equals: 'true' } }), state).ok).toBe(true);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('treats a field named %s that the request does not have as absent (no crash)', (name) => {
    // A field name an admin may well pick ("constructor") must not read Object.prototype.
    const outcome = evaluate(condition({ custom_field: { name, equals: 'x' } }), facts({ request: { customFields: {} } }));
    expect(outcome).toEqual({ ok: false, unknown: true, detail: `custom field "${name}" is absent` });
  });
});

describe('time_window as a condition', () => {
  it('says which window the request is outside of', () => {
    // 2026-03-29T00:30Z is Sunday 01:30 in Berlin.
    const window = condition({ time_window: { days: ['mon', 'tue'], from: '09:00', to: '17:00', tz: 'Europe/Berlin' } });
    expect(evaluate(window, facts())).toEqual({ ok: false, detail: 'outside mon,tue 09:00–17:00 Europe/Berlin' });
  });

  it('says which window the request is inside of', () => {
    const window = condition({ time_window: { from: '00:00', to: '24:00', tz: 'UTC' } });
    expect(evaluate(window, facts())).toEqual({ ok: true, detail: 'inside mon,tue,wed,thu,fri,sat,sun 00:00–24:00 UTC' });
  });
});

describe('combinators', () => {
  const holds = { self_request: false }; // Bob asks for Alice by default.
  const fails = { email_in: [BOB] };

  it('all [] holds and any [] does not', () => {
    expect(evaluate(condition({ all: [] }), facts())).toEqual({ ok: true, detail: 'no conditions' });
    expect(evaluate(condition({ any: [] }), facts())).toEqual({ ok: false, detail: 'empty "any" never holds' });
  });

  it('all fails with the first failing condition', () => {
    expect(evaluate(condition({ all: [holds] }), facts())).toEqual({ ok: true, detail: 'all conditions hold' });
    expect(evaluate(condition({ all: [holds, fails, { access_length_at_most: 1 }] }), facts())).toEqual({
      ok: false,
      detail: `${ALICE} is not in the list`,
    });
  });

  it('any holds with one holding condition and otherwise lists every failure', () => {
    expect(evaluate(condition({ any: [fails, holds] }), facts())).toEqual({ ok: true, detail: 'requester is not the target' });
    expect(evaluate(condition({ any: [fails, { access_length_at_most: 60 }] }), facts())).toEqual({
      ok: false,
      detail: `none of: ${ALICE} is not in the list; access_length 3600 s > 60 s`,
    });
  });

  it('not inverts and wraps the reason', () => {
    expect(evaluate(condition({ not: fails }), facts())).toEqual({ ok: true, detail: `not (${ALICE} is not in the list)` });
    expect(evaluate(condition({ not: holds }), facts())).toEqual({ ok: false, detail: 'not (requester is not the target)' });
    expect(evaluate(condition({ not: { not: holds } }), facts()).ok).toBe(true);
  });

  it('combines leaves the way an admin writes a break-glass rule', () => {
    // Prepare: on call for db-primary, or listed, and never more than a day.
    const breakGlass = condition({
      all: [{ any: [{ on_call: { schedule: 'db-primary' } }, { email_in: ['carol@example.com'] }] }, { access_length_at_most: 86_400 }],
    });
    const onCall = [shift(ALICE, SHIFT_START, SHIFT_END)];
    // Act / Assess
    expect(evaluate(breakGlass, facts({ shifts: onCall })).ok).toBe(true);
    expect(evaluate(breakGlass, facts({ shifts: onCall, request: { accessLength: null } })).ok).toBe(false);
    expect(evaluate(breakGlass, facts({ now: new Date('2026-03-29T08:00:00Z'), shifts: onCall })).detail).toBe(
      `none of: ${ALICE} is not on call for db-primary; ${ALICE} is not in the list`,
    );
  });
});
