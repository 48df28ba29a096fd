import { describe, expect, it } from 'vitest';
import { type Condition, leaves, parseCondition } from '../../../src/rules/conditions';

/** Parses under the `when` attribute, as the rule-item schema does. */
function parse(raw: unknown) {
  return parseCondition(raw, ['when']);
}

function accepted(raw: unknown): Condition {
  const { condition, issues } = parse(raw);
  expect(issues).toEqual([]);
  expect(condition).toBeDefined();
  return condition as Condition;
}

function rejected(raw: unknown) {
  const { condition, issues } = parse(raw);
  expect(condition).toBeUndefined();
  expect(issues.length).toBeGreaterThan(0);
  return issues;
}

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('parseCondition accepts the vocabulary', () => {
  it('accepts on_call about the target by default and about the requester when asked', () => {
    expect(accepted({ on_call: { schedule: 'db-primary' } })).toEqual({ type: 'on_call', schedule: 'db-primary', who: 'target' });
    expect(accepted({ on_call: { schedule: 'db-primary', who: 'requester' } })).toEqual({
      type: 'on_call',
      schedule: 'db-primary',
      who: 'requester',
    });
  });

  it('accepts email_in as a plain list (target) or as {values, who}, lower-casing the emails', () => {
    expect(accepted({ email_in: ['Alice@Example.COM', ' bob@example.com '] })).toEqual({
      type: 'email_in',
      emails: ['alice@example.com', 'bob@example.com'],
      who: 'target',
    });
    expect(accepted({ email_in: { values: ['Carol@Example.com'], who: 'requester' } })).toEqual({
      type: 'email_in',
      emails: ['carol@example.com'],
      who: 'requester',
    });
  });

  it('accepts email_domain_in with or without a leading @', () => {
    expect(accepted({ email_domain_in: ['@Example.com', 'partner.org'] })).toEqual({
      type: 'email_domain_in',
      domains: ['example.com', 'partner.org'],
      who: 'target',
    });
    expect(accepted({ email_domain_in: { values: ['@contractor.io'], who: 'requester' } })).toEqual({
      type: 'email_domain_in',
      domains: ['contractor.io'],
      who: 'requester',
    });
  });

  it('accepts permission_in, access_length_at_most and self_request', () => {
    expect(accepted({ permission_in: ['read', 'write'] })).toEqual({ type: 'permission_in', values: ['read', 'write'] });
    expect(accepted({ access_length_at_most: 3600 })).toEqual({ type: 'access_length_at_most', seconds: 3600 });
    expect(accepted({ access_length_at_most: 0 })).toEqual({ type: 'access_length_at_most', seconds: 0 });
    expect(accepted({ self_request: true })).toEqual({ type: 'self_request', value: true });
    expect(accepted({ self_request: false })).toEqual({ type: 'self_request', value: false });
  });

  it('accepts custom_field with exactly one of equals, in, matches', () => {
    expect(accepted({ custom_field: { name: 'ticket', equals: 'INC-1' } })).toEqual({ type: 'custom_field', name: 'ticket', equals: 'INC-1' });
    expect(accepted({ custom_field: { name: 'env', in: ['prod', 'staging'] } })).toEqual({
      type: 'custom_field',
      name: 'env',
      in: ['prod', 'staging'],
    });
    expect(accepted({ custom_field: { name: 'ticket', matches: '^INC-\\d+$' } })).toEqual({
      type: 'custom_field',
      name: 'ticket',
      matches: '^INC-\\d+$',
    });
  });

  it('accepts time_window with and without days, in minutes after midnight', () => {
    expect(accepted({ time_window: { days: ['mon', 'fri'], from: '09:00', to: '17:30', tz: 'Europe/Berlin' } })).toEqual({
      type: 'time_window',
      days: ['mon', 'fri'],
      from: 540,
      to: 1050,
      tz: 'Europe/Berlin',
    });
    expect(accepted({ time_window: { from: '22:00', to: '06:00', tz: 'UTC' } })).toEqual({
      type: 'time_window',
      days: ALL_DAYS,
      from: 1320,
      to: 360,
      tz: 'UTC',
    });
    expect(accepted({ time_window: { from: '18:00', to: '24:00', tz: 'Asia/Kolkata' } })).toMatchObject({ from: 1080, to: 1440 });
  });

  it('accepts all, any and not, nested, and lists every leaf for fact loading', () => {
    // Prepare
    const raw = {
      all: [{ any: [{ on_call: { schedule: 'db' } }, { email_in: ['alice@example.com'] }] }, { not: { self_request: true } }, { all: [] }, { any: [] }],
    };
    // Act
    const parsed = accepted(raw);
    // Assess
    expect(parsed).toEqual({
      type: 'all',
      of: [
        {
          type: 'any',
          of: [
            { type: 'on_call', schedule: 'db', who: 'target' },
            { type: 'email_in', emails: ['alice@example.com'], who: 'target' },
          ],
        },
        { type: 'not', of: { type: 'self_request', value: true } },
        { type: 'all', of: [] },
        { type: 'any', of: [] },
      ],
    });
    expect([...leaves(parsed)].map((leaf) => leaf.type)).toEqual(['on_call', 'email_in', 'self_request']);
  });

  it('accepts nesting up to the depth limit (12 levels below the root)', () => {
    let raw: unknown = { self_request: true };
    for (let level = 0; level < 12; level++) raw = { not: raw };
    expect(accepted(raw).type).toBe('not');
  });
});

describe('parseCondition rejects mistakes with a useful message at the right path', () => {
  it('rejects a typo in a condition name, naming the typo and listing the real names', () => {
    const issues = rejected({ oncall: { schedule: 'db' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['when', 'oncall']);
    expect(issues[0]?.message).toContain('unknown condition "oncall"');
    expect(issues[0]?.message).toContain('on_call');
  });

  it('reports a typo deep inside a tree at its full path', () => {
    const issues = rejected({ all: [{ self_request: true }, { any: [{ not: { emial_in: ['a@b.c'] } }] }] });
    expect(issues).toEqual([{ path: ['when', 'all', 1, 'any', 0, 'not', 'emial_in'], message: expect.stringContaining('unknown condition "emial_in"') }]);
  });

  it('reports every bad child of a combinator, not only the first', () => {
    const issues = rejected({ any: [{ oncall: {} }, { self_request: true }, { self_request: 'yes' }] });
    expect(issues.map((issue) => issue.path)).toEqual([
      ['when', 'any', 0, 'oncall'],
      ['when', 'any', 2, 'self_request'],
    ]);
    expect(issues[1]?.message).toBe('must be true or false');
  });

  it('rejects two keys in one node, naming both', () => {
    const issues = rejected({ on_call: { schedule: 'db' }, email_in: ['alice@example.com'] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['when']);
    expect(issues[0]?.message).toMatch(/exactly one key/);
    expect(issues[0]?.message).toContain('found on_call, email_in');
  });

  it('rejects an empty node and a node that is not an object', () => {
    expect(rejected({})[0]?.message).toContain('found none');
    expect(rejected(['on_call'])[0]).toEqual({ path: ['when'], message: expect.stringContaining('expected a condition object') });
    expect(rejected('on_call')[0]?.path).toEqual(['when']);
    expect(rejected(null)[0]?.path).toEqual(['when']);
  });

  it('accepts training with an optional window and person, and rejects a bad window or unknown key', () => {
    expect(accepted({ training: { course: 'security-101' } })).toEqual({ type: 'training', course: 'security-101', who: 'target' });
    expect(accepted({ training: { course: 'security-101', within_days: 365, who: 'requester' } })).toEqual({
      type: 'training',
      course: 'security-101',
      within_days: 365,
      who: 'requester',
    });
    expect(rejected({ training: { course: 'x', within_days: 0 } })[0]).toEqual({ path: ['when', 'training', 'within_days'], message: 'must be at least 1' });
    expect(rejected({ training: { course: 'x', within_days: 1.5 } })[0]?.message).toBe('must be a whole number of days');
    expect(rejected({ training: { courses: 'x' } }).map((issue) => issue.path.join('.'))).toContain('when.training.course');
  });

  it('rejects an unknown time zone', () => {
    const issues = rejected({ time_window: { from: '09:00', to: '17:00', tz: 'Europe/Atlantis' } });
    expect(issues).toEqual([{ path: ['when', 'time_window', 'tz'], message: expect.stringContaining('unknown IANA time zone') }]);
  });

  it.each([
    ['9am', 'from'],
    ['25:00', 'to'],
    ['12:60', 'to'],
    ['24:30', 'to'],
  ])('rejects the clock %s', (clock, field) => {
    const window = field === 'from' ? { from: clock, to: '17:00', tz: 'UTC' } : { from: '09:00', to: clock, tz: 'UTC' };
    const issues = rejected({ time_window: window });
    expect(issues).toEqual([{ path: ['when', 'time_window', field], message: 'expected a time as "HH:MM" (24-hour)' }]);
  });

  it('rejects a window whose from equals its to', () => {
    const issues = rejected({ time_window: { from: '09:00', to: '09:00', tz: 'UTC' } });
    expect(issues).toEqual([{ path: ['when', 'time_window'], message: 'from and to must differ' }]);
  });

  it('rejects 24:00–00:00, an empty window that would never hold', () => {
    // "24:00" is the end of the day and "00:00" its start: the same instant, like from == to.
    // A deny rule with this window would silently never deny.
    const issues = rejected({ time_window: { from: '24:00', to: '00:00', tz: 'UTC' } });
    expect(issues[0]?.path).toEqual(['when', 'time_window', 'from']);
    expect(issues[0]?.message).toBe('from must be before 24:00');
  });

  it('rejects day names it does not know, at the day', () => {
    const issues = rejected({ time_window: { days: ['mon', 'Friday'], from: '09:00', to: '17:00', tz: 'UTC' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['when', 'time_window', 'days', 1]);
    expect(issues[0]?.message).toContain('"fri"');
  });

  it.each([
    ['no test', { name: 'ticket' }],
    ['two tests', { name: 'ticket', equals: 'INC-1', matches: '^INC' }],
    ['three tests', { name: 'ticket', equals: 'INC-1', in: ['INC-2'], matches: '^INC' }],
  ])('rejects custom_field with %s', (_label, field) => {
    const issues = rejected({ custom_field: field });
    expect(issues).toEqual([{ path: ['when', 'custom_field'], message: 'give exactly one of equals, in, matches, present' }]);
  });

  it.each([
    ['(INC)-\\1', 'backreferences'],
    ['(?<t>INC)\\k<t>', 'backreferences'],
    ['INC(?=-)', 'lookaround'],
    ['INC(?!-)', 'lookaround'],
    ['(?<=x)INC', 'lookaround'],
    ['(?<!x)INC', 'lookaround'],
  ])('refuses %s, which RE2 cannot express (%s), and says so', (pattern, what) => {
    const issues = rejected({ custom_field: { name: 'ticket', matches: pattern } });
    expect(issues).toEqual([
      { path: ['when', 'custom_field', 'matches'], message: expect.stringMatching(new RegExp(`^${what} .* not supported: patterns use RE2 syntax$`)) },
    ]);
  });

  it.each(['^(?:\\w?\\w?){800}#', '(?:[a-z]?[a-z]?){300}#'])('refuses %s: a program that large makes even linear matching slow', (pattern) => {
    const issues = rejected({ custom_field: { name: 'ticket', matches: pattern } });
    expect(issues).toEqual([
      { path: ['when', 'custom_field', 'matches'], message: expect.stringMatching(/^pattern too complex \(RE2 program of \d+ instructions; at most 1000\)/) },
    ]);
  });

  it.each(['(a+)+$', '(x*)*y', '(a|aa)+$', '^(a?){24}a{24}b', `^${'(?:a|aa)?'.repeat(20)}b$`])('accepts %s: RE2 matches it in linear time', (pattern) => {
    expect(parseCondition({ custom_field: { name: 'ticket', matches: pattern } }).issues).toEqual([]);
  });

  it.each([
    ['present with another test', { name: 'ticket', present: true, equals: 'x' }, 'give exactly one of equals, in, matches, present'],
    ['present that is not a boolean', { name: 'ticket', present: 'yes' }, 'must be true or false'],
    ['ignore_case with a pattern', { name: 'ticket', matches: '^INC', ignore_case: true }, 'ignore_case goes with equals or in (a pattern can use (?i))'],
  ])('rejects custom_field %s', (_label, field, message) => {
    expect(rejected({ custom_field: field }).map((issue) => issue.message)).toEqual([message]);
  });

  it('rejects a pattern longer than the documented 200 characters but accepts one of exactly 200', () => {
    const issues = rejected({ custom_field: { name: 'ticket', matches: 'a'.repeat(201) } });
    expect(issues).toEqual([{ path: ['when', 'custom_field', 'matches'], message: 'pattern longer than 200 characters' }]);
    expect(accepted({ custom_field: { name: 'ticket', matches: 'a'.repeat(200) } }).type).toBe('custom_field');
  });

  it('rejects a pattern that is not a regular expression', () => {
    const issues = rejected({ custom_field: { name: 'ticket', matches: '(INC-' } });
    expect(issues).toEqual([{ path: ['when', 'custom_field', 'matches'], message: 'not a valid RE2 pattern (missing closing ): `(INC-`)' }]);
  });

  it('rejects nesting deeper than the limit', () => {
    // Prepare: 13 `not`s around a leaf; the limit is 12 levels below the root.
    let raw: unknown = { self_request: true };
    for (let level = 0; level < 13; level++) raw = { not: raw };
    // Act
    const issues = rejected(raw);
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe('conditions nested deeper than 12 levels');
    expect(issues[0]?.path).toEqual(['when', ...Array(13).fill('not')]);
  });

  it('rejects a very deep tree without overflowing the stack', () => {
    let raw: unknown = { self_request: true };
    for (let level = 0; level < 5_000; level++) raw = { all: [raw] };
    expect(rejected(raw)[0]?.message).toBe('conditions nested deeper than 12 levels');
  });

  it('rejects a typo in an inner key, naming the unknown key and the missing one', () => {
    const issues = rejected({ on_call: { scheduel: 'db-primary' } });
    expect(issues).toHaveLength(2);
    expect(issues).toContainEqual({ path: ['when', 'on_call'], message: 'Unrecognized key: "scheduel"' });
    // The exact wording of "missing" depends on the zod error map loaded; the path must name it.
    expect(issues).toContainEqual({ path: ['when', 'on_call', 'schedule'], message: expect.stringMatching(/required|expected string/) });
  });

  it('rejects a who other than target or requester', () => {
    const issues = rejected({ on_call: { schedule: 'db', who: 'manager' } });
    expect(issues).toEqual([{ path: ['when', 'on_call', 'who'], message: expect.stringContaining('"requester"') }]);
  });

  it('rejects combinators given the wrong shape', () => {
    expect(rejected({ all: { self_request: true } })).toEqual([{ path: ['when', 'all'], message: '"all" takes a list of conditions' }]);
    expect(rejected({ any: 'self_request' })).toEqual([{ path: ['when', 'any'], message: '"any" takes a list of conditions' }]);
    expect(rejected({ not: [{ self_request: true }] })[0]?.path).toEqual(['when', 'not']);
  });

  it('rejects empty lists and wrong types in leaves', () => {
    expect(rejected({ permission_in: [] })).toEqual([{ path: ['when', 'permission_in'], message: 'list must not be empty' }]);
    expect(rejected({ access_length_at_most: '3600' })).toEqual([{ path: ['when', 'access_length_at_most'], message: 'must be a number of seconds' }]);
    expect(rejected({ access_length_at_most: -1 })[0]?.path).toEqual(['when', 'access_length_at_most']);
    expect(rejected({ self_request: 'yes' })).toEqual([{ path: ['when', 'self_request'], message: 'must be true or false' }]);
    expect(rejected({ email_in: { values: [], who: 'requester' } })).toEqual([{ path: ['when', 'email_in', 'values'], message: 'list must not be empty' }]);
  });

  it.each([
    ['an empty email_in list', { email_in: [] }, /must not be empty/],
    ['an empty email_domain_in list', { email_domain_in: [] }, /must not be empty/],
    ['a blank email', { email_in: ['alice@example.com', ''] }, /empty|at least 1|>=1/],
    ['a single email instead of a list', { email_in: 'alice@example.com' }, /list|array/],
    ['a bad who in {values, who}', { email_in: { values: ['alice@example.com'], who: 'manager' } }, /requester/],
  ])('explains %s instead of a bare "Invalid input"', (_label, raw, hint) => {
    const issues = rejected(raw);
    expect(issues[0]?.path.slice(0, 2)).toEqual(['when', Object.keys(raw)[0]]);
    expect(issues.map((issue) => issue.message).join('; ')).toMatch(hint);
  });

  it('lists exactly the documented names to an admin who wrote an unknown one', () => {
    // Prepare / Act
    const [issue] = rejected({ colour: 'blue' });
    const listed = /expected one of (.*)$/.exec(issue?.message ?? '')?.[1]?.split(', ') ?? [];
    // Assess
    expect(listed.sort()).toEqual(
      [
        'all',
        'any',
        'not',
        'on_call',
        'email_in',
        'email_domain_in',
        'permission_in',
        'access_length_at_most',
        'self_request',
        'custom_field',
        'time_window',
        'training',
      ].sort(),
    );
  });
});
