import { describe, expect, it } from 'vitest';
import { readAuditedCall, readFacts } from '../../../src/audit/audited-call';
import { MAX_RECORDED_FACTS_CHARS, recordFacts } from '../../../src/audit/recorded-facts';
import { ALICE, facts, NOW, request, shift } from '../../support/rules';

const call = (recorded: unknown) => {
  const read = readAuditedCall({
    kind: 'pre_approval',
    app_id: 'app-1',
    at: 'x',
    subject: ALICE,
    requester: null,
    permissions: ['read'],
    decision: 'NOT_PREAPPROVED',
    request_id: 'r',
    facts: recorded,
  });
  if (!read.ok) throw new Error(read.problem);
  return read.call;
};

describe('recorded facts', () => {
  it('keeps the clock, what was looked up and what was found, and reads back the same', () => {
    // Prepare
    const loaded = {
      ...facts({ shifts: [shift(ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z')] }),
      trainings: [{ email: ALICE, course: 'sec', completed_at: '2026-01-01T00:00:00Z' }],
    };
    // Act
    const recorded = recordFacts(loaded, { shifts: [{ schedule: 'db-primary', email: ALICE }], trainees: [ALICE] });
    const read = readFacts(call(JSON.parse(JSON.stringify(recorded))));
    // Assess
    expect(recorded).toMatchObject({
      now: NOW.toISOString(),
      access_length: 3_600,
      on_call: { looked_up: [['db-primary', ALICE]], found: [['db-primary', ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z', null, null]], sources: [] },
      training: { looked_up: [ALICE], found: [[ALICE, 'sec', '2026-01-01T00:00:00Z', null]] },
    });
    expect(read).toEqual({ status: 'recorded', facts: recorded });
  });

  it('keeps which source synced each shift, its escalation level and the sources of the schedules, and reads the four-field shifts of older items', () => {
    // Prepare
    const loaded = {
      ...facts({ shifts: [{ ...shift(ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z'), source: 'pd', escalation_level: 2 }] }),
      scheduleSources: [{ schedule: 'db-primary', source: 'pd', last_success: null, stale_after: 30 }],
    };
    const older = {
      v: 1,
      now: NOW.toISOString(),
      access_length: null,
      custom_fields: {},
      on_call: { looked_up: [], found: [['s', ALICE, 'a', 'b']] },
      training: { looked_up: [], found: [] },
    };
    // Act
    const recorded = recordFacts(loaded, { shifts: [{ schedule: 'db-primary', email: ALICE }], trainees: [] });
    // Assess
    expect(recorded).toMatchObject({
      on_call: { found: [['db-primary', ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z', 'pd', 2]], sources: [['db-primary', 'pd', null, 30]] },
    });
    expect(readFacts(call(JSON.parse(JSON.stringify(recorded))))).toMatchObject({ status: 'recorded' });
    expect(readFacts(call(older))).toMatchObject({ status: 'recorded' });
  });

  it('keeps an intake answer named like an Object member as a plain field', () => {
    // Prepare
    const customFields = Object.assign(Object.create(null) as Record<string, string>, { constructor: 'x', ['__proto__']: 'y' });
    // Act
    const recorded = recordFacts({ ...facts(), request: request({ customFields }) }, { shifts: [], trainees: [] });
    // Assess
    expect('custom_fields' in recorded && Object.getPrototypeOf(recorded.custom_fields)).toBe(Object.prototype);
    expect('custom_fields' in recorded && Object.entries(recorded.custom_fields)).toEqual([
      ['constructor', 'x'],
      ['__proto__', 'y'],
    ]);
  });

  it('leaves out facts too large to keep, and a replay then calls them not recorded', () => {
    // Prepare: a hostile intake answer
    const customFields = { essay: 'x'.repeat(MAX_RECORDED_FACTS_CHARS) };
    // Act
    const recorded = recordFacts({ ...facts(), request: request({ customFields }) }, { shifts: [], trainees: [] });
    // Assess
    expect(recorded).toEqual({ v: 1, omitted: expect.stringMatching(/exceed 32000$/) });
    expect(readFacts(call(recorded))).toEqual({
      status: 'not_recorded',
      why: expect.stringMatching(/^facts not recorded \(facts of \d+ characters exceed 32000\)$/),
    });
  });

  it('calls unreadable facts not recorded rather than refusing the whole item', () => {
    // Act / Assess
    expect(readFacts(call({ v: 1, now: 'yesterday' }))).toEqual({ status: 'not_recorded', why: 'facts not recorded (unreadable)' });
  });
});
