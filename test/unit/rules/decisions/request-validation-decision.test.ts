import { describe, expect, it } from 'vitest';
import { decideRequestValidation, type MessageContext, renderMessage } from '../../../../src/rules/decisions/request-validation-decision';
import { evaluate } from '../../../../src/rules/evaluation';
import type { TrainingRecord } from '../../../../src/rules/facts';
import { stateLookups } from '../../../../src/rules/lookups';
import { ALICE, BOB, condition, entry, facts, NOW, request } from '../../../support/rules';

const DAY = 86_400_000;
const CONTEXT: MessageContext = { app: 'Production DB', email: ALICE, permission: 'Read only' };
const record = (overrides: Partial<TrainingRecord> = {}): TrainingRecord => ({
  email: ALICE,
  course: 'security-awareness',
  completed_at: new Date(NOW.getTime() - 30 * DAY).toISOString(),
  ...overrides,
});
const requirement = (overrides: Record<string, unknown> = {}) =>
  entry({
    kind: 'request_validation',
    effect: undefined,
    rule_id: 'needs-training',
    when: { training: { course: 'security-awareness', within_days: 365 } },
    ...overrides,
  });
const decide = (entries: ReturnType<typeof entry>[], trainings: TrainingRecord[] = [], requestOverrides = {}) =>
  decideRequestValidation(entries, { ...facts({ request: requestOverrides }), trainings }, CONTEXT);

describe('training condition', () => {
  const training = (raw: Record<string, unknown>) => condition({ training: { course: 'security-awareness', ...raw } });
  const at = (trainings: TrainingRecord[], raw: Record<string, unknown> = {}) => evaluate(training(raw), { ...facts(), trainings });

  it('holds for a completed course and says when', () => {
    expect(at([record()])).toEqual({ ok: true, detail: `${ALICE} completed security-awareness on 2026-02-27` });
  });

  it('fails for a course never completed, or completed by someone else', () => {
    expect(at([])).toEqual({ ok: false, detail: `${ALICE} has not completed security-awareness` });
    expect(at([record({ email: BOB })]).ok).toBe(false);
    expect(at([record({ course: 'other-course' })]).ok).toBe(false);
  });

  it('counts within_days up to and including the last day', () => {
    const exactly = record({ completed_at: new Date(NOW.getTime() - 365 * DAY).toISOString() });
    const justOver = record({ completed_at: new Date(NOW.getTime() - 365 * DAY - 1).toISOString() });
    expect(at([exactly], { within_days: 365 }).ok).toBe(true);
    expect(at([justOver], { within_days: 365 })).toEqual({
      ok: false,
      detail: `${ALICE} completed security-awareness on 2025-03-29, more than 365 days ago`,
    });
    expect(at([justOver]).ok).toBe(true);
  });

  it('fails once the completion has expired, at the expiry instant', () => {
    expect(at([record({ expires_at: NOW.toISOString() })])).toEqual({ ok: false, detail: `${ALICE}'s security-awareness completion expired on 2026-03-29` });
    expect(at([record({ expires_at: new Date(NOW.getTime() + 1).toISOString() })]).ok).toBe(true);
    expect(at([record({ expires_at: null })]).ok).toBe(true);
  });

  it('does not count a completion dated in the future or unreadable', () => {
    expect(at([record({ completed_at: new Date(NOW.getTime() + DAY).toISOString() })]).ok).toBe(false);
    expect(at([record({ completed_at: 'last spring' })]).ok).toBe(false);
  });

  it('looks at the requester when asked to', () => {
    const trainings = [record({ email: BOB })];
    expect(evaluate(training({ who: 'requester' }), { ...facts(), trainings }).ok).toBe(true);
    expect(evaluate(training({}), { ...facts(), trainings }).ok).toBe(false);
  });

  it('asks the store for the training of each person the rules in scope look at, once', () => {
    const entries = [
      requirement(),
      requirement({ rule_id: 'two', when: { all: [{ training: { course: 'a' } }, { training: { course: 'b', who: 'requester' } }] } }),
    ];
    expect(stateLookups(entries, 'request_validation', request()).trainees.sort()).toEqual([ALICE, BOB].sort());
    expect(stateLookups(entries, 'pre_approval', request()).trainees).toEqual([]);
  });
});

describe('request validation decision', () => {
  it('passes when every requirement is met, and when the app has none', () => {
    expect(decide([requirement()], [record()])).toMatchObject({ status: 'passed', reason: 'all 1 requirement(s) met' });
    expect(decide([])).toMatchObject({ status: 'passed', reason: 'no requirements in scope' });
  });

  it('blocks with the rule message, placeholders filled', () => {
    const decision = decide([requirement({ message: 'Complete the Security Awareness training ({course}) before requesting {app}.' })]);
    expect(decision).toMatchObject({
      status: 'blocked',
      messages: ['Complete the Security Awareness training (security-awareness) before requesting Production DB.'],
      rule_ids: ['needs-training'],
    });
  });

  it('combines every failing requirement, highest priority first, without repeating a message', () => {
    // Prepare
    const entries = [
      requirement({ rule_id: 'low', priority: 1, message: 'Finish {course}.' }),
      requirement({ rule_id: 'domain', priority: 5, when: { email_domain_in: ['corp.example.com'] }, message: 'Use your {email} corporate account.' }),
      requirement({ rule_id: 'same-as-low', priority: 0, message: 'Finish {course}.' }),
    ];
    // Act
    const decision = decide(entries);
    // Assess
    expect(decision).toMatchObject({
      status: 'blocked',
      messages: [`Use your ${ALICE} corporate account.`, 'Finish security-awareness.'],
      rule_ids: ['domain', 'low', 'same-as-low'],
    });
  });

  it('writes a default message naming what is missing when the rule has none', () => {
    expect(decide([requirement()])).toMatchObject({ messages: ['Complete the required training (security-awareness) before requesting Production DB.'] });
    expect(decide([requirement({ when: { email_domain_in: ['corp.example.com'] } })])).toMatchObject({
      messages: ['You cannot request Production DB yet: domain example.com is not in corp.example.com.'],
    });
  });

  it('never blocks on a shadow rule, but traces it', () => {
    const decision = decide([requirement({ mode: 'shadow' })]);
    expect(decision.status).toBe('passed');
    expect(decision.trace).toEqual([expect.objectContaining({ rule_id: 'needs-training', mode: 'shadow', outcome: 'not_matched' })]);
  });

  it('cannot run while a requirement in scope is invalid, and says which', () => {
    const decision = decide([requirement({ when: { trainig: { course: 'x' } } })]);
    expect(decision).toMatchObject({ status: 'unavailable', rule_id: 'needs-training', reason: 'rule needs-training is invalid' });
    expect(decide([requirement({ when: { trainig: {} }, enabled: false })]).status).toBe('passed');
  });

  it('applies a requirement limited to permissions whenever one of them is requested', () => {
    const limited = requirement({ permissions: ['admin'] });
    expect(decide([limited], [], { permissions: ['read', 'admin'] }).status).toBe('blocked');
    expect(decide([limited], [], { permissions: ['read'] }).status).toBe('passed');
  });

  it('ignores pre-approval rules', () => {
    expect(decide([entry({ effect: 'deny', when: { all: [] } })]).status).toBe('passed');
  });
});

describe('message placeholders', () => {
  it('fills the known placeholders and leaves other braces as written', () => {
    expect(renderMessage('{app}/{course}/{email}/{permission} {unknown} {{app}}', { ...CONTEXT, course: 'c' })).toBe(
      `Production DB/c/${ALICE}/Read only {unknown} {Production DB}`,
    );
  });
});
