/** on_call and the source that syncs its schedule: staleness fails closed, hand-written shifts still count; escalation levels. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/rules/evaluation';
import type { ScheduleSource, Shift } from '../../../src/rules/facts';
import { ALICE, condition, facts, shift } from '../../support/rules';

const NOW = new Date('2026-03-29T04:00:00Z');
const synced = (overrides: Partial<Shift> = {}): Shift => ({ ...shift(ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z'), source: 'pd', ...overrides });
const handWritten = shift(ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z');
const source = (lastSuccess: string | null, staleAfter = 30): ScheduleSource => ({
  schedule: 'db-primary',
  source: 'pd',
  last_success: lastSuccess,
  stale_after: staleAfter,
});
const onCall = condition({ on_call: { schedule: 'db-primary' } });

const decide = (shifts: Shift[], sources: ScheduleSource[], at = NOW, rule = onCall) =>
  evaluate(rule, { ...facts({ now: at, shifts }), scheduleSources: sources });

describe('on_call with a synced schedule', () => {
  it('counts a synced shift while its source is fresh', () => {
    // Act / Assess
    expect(decide([synced()], [source('2026-03-29T03:40:00Z')])).toMatchObject({ ok: true });
  });

  it('is undecided once the source last synced longer ago than stale_after, naming the source and when', () => {
    // Act
    const outcome = decide([synced()], [source('2026-03-29T03:29:59Z')]);
    // Assess
    expect(outcome).toEqual({ ok: false, unknown: true, detail: 'source pd last synced at 2026-03-29T03:29:59Z: on-call for db-primary cannot be trusted' });
  });

  it('is undecided for a schedule whose source never synced, even with no shift at all', () => {
    // Act / Assess
    expect(decide([], [source(null)])).toMatchObject({ ok: false, unknown: true, detail: expect.stringContaining('last synced at never') });
  });

  it('counts a hand-written shift covering now while the source is stale', () => {
    // Act / Assess
    expect(decide([synced(), handWritten], [source('2026-03-28T00:00:00Z')])).toMatchObject({ ok: true });
  });

  it('is not on call when a fresh source returned no shift', () => {
    // Act / Assess
    expect(decide([], [source('2026-03-29T03:59:00Z')])).toMatchObject({ ok: false, detail: `${ALICE} is not on call for db-primary` });
  });

  it('makes a deny rule on on_call hold when the source is stale (fails closed), and never an allow', () => {
    // Prepare
    const notOnCall = condition({ not: { on_call: { schedule: 'db-primary' } } });
    // Act
    const outcome = decide([synced()], [source('2026-03-28T00:00:00Z')], NOW, notOnCall);
    // Assess: undecided under not, which a deny treats as holding
    expect(outcome).toMatchObject({ ok: false, unknown: true });
  });
});

describe('16.2 a synced shift counts only through its own source', () => {
  const named = (id: string, lastSuccess: string | null): ScheduleSource => ({ ...source(lastSuccess), source: id });
  const FRESH = '2026-03-29T03:59:00Z';
  const STALE = '2026-03-28T00:00:00Z';

  it('16.2 is undecided for a shift of a renamed (gone) source while the new source is fresh', () => {
    // Act
    const outcome = decide([synced({ source: 'pd-old' })], [named('pd-new', FRESH)]);
    // Assess
    expect(outcome).toEqual({
      ok: false,
      unknown: true,
      detail: `${ALICE} has a shift for db-primary synced by source pd-old, which no longer syncs it: on-call cannot be trusted`,
    });
  });

  it('16.2 counts the fresh source’s shift even when a stale source of the schedule is listed first', () => {
    // Act / Assess
    expect(decide([synced({ source: 'pd-new' })], [named('pd-old', STALE), named('pd-new', FRESH)])).toMatchObject({ ok: true });
  });

  it('16.2 does not count a stale source’s shift because another source of the schedule is fresh', () => {
    // Act / Assess
    expect(decide([synced({ source: 'pd-old' })], [named('pd-new', FRESH), named('pd-old', STALE)])).toMatchObject({ ok: false, unknown: true });
  });

  it('16.2 is undecided for any synced shift when no source syncs the schedule any more', () => {
    // Act / Assess
    expect(decide([synced()], [])).toMatchObject({ ok: false, unknown: true });
    expect(decide([synced(), handWritten], [])).toMatchObject({ ok: true });
  });
});

describe('on_call with escalation_level_at_most', () => {
  const firstOnly = condition({ on_call: { schedule: 'db-primary', escalation_level_at_most: 1 } });
  const fresh = [source('2026-03-29T03:59:00Z')];

  it('counts a shift at or nearer than the level, not one further out', () => {
    // Act / Assess
    expect(decide([synced({ escalation_level: 1 })], fresh, NOW, firstOnly)).toMatchObject({
      ok: true,
      detail: expect.stringContaining('at escalation level 1 or nearer'),
    });
    expect(decide([synced({ escalation_level: 2 })], fresh, NOW, firstOnly)).toMatchObject({
      ok: false,
      detail: `${ALICE} is not on call for db-primary at escalation level 1 or nearer`,
    });
  });

  it('is undecided when the covering shift says no level', () => {
    // Act / Assess
    expect(decide([synced()], fresh, NOW, firstOnly)).toMatchObject({ ok: false, unknown: true });
  });

  it('refuses a level that is not a whole number from 1', () => {
    // Act / Assess
    for (const level of [0, 1.5, '1']) {
      expect(() => condition({ on_call: { schedule: 'db-primary', escalation_level_at_most: level } })).toThrow(/escalation_level_at_most/);
    }
  });
});
