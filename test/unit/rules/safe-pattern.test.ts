import { describe, expect, it } from 'vitest';
import { MAX_MATCHED_VALUE_LENGTH } from '../../../src/rules/conditions';
import { evaluate } from '../../../src/rules/evaluate';
import { decidePreApproval } from '../../../src/rules/pre-approval';
import { unsafePatternReason } from '../../../src/rules/safe-pattern';
import { condition, entry, facts } from './support';

describe('custom_field patterns', () => {
  it.each(['^INC-[0-9]+$', '^(prod|staging)-db$', 'urgent', '^[a-z]+@example\\.com$', '^.*-admin$', '^(ab){2,4}$', '^[A-Z]{3}-[0-9]{4}$'])('accepts the everyday pattern %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeNull();
  });

  it.each([
    ['(a|aa)+$', /alternatives inside a repetition/],
    ['(a+)+$', /repetition inside a repetition/],
    ['(?:x*)*y', /repetition inside a repetition/],
    ['(a)\\1', /backreferences/],
    ['.*.*.*x', /at most 2 variable repetitions/],
    ['a{0,100}b{0,100}c{0,100}', /at most 2 variable repetitions/],
    ['^.{0,16}.{0,16}.{0,16}.{0,16}.{0,16}.{0,16}.{0,16}.{0,16}$', /at most 2 variable repetitions/],
    ['.*.{0,3}.*x', /at most 2 variable repetitions/],
    ['(unclosed', /not a valid regular expression/],
  ])('refuses %s, saying why', (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toMatch(reason);
  });
});

describe('a value too long to match safely', () => {
  const long = 'x'.repeat(MAX_MATCHED_VALUE_LENGTH + 1);
  const when = { custom_field: { name: 'justification', matches: 'test' } };

  it('leaves the condition undecided rather than false', () => {
    const outcome = evaluate(condition(when), facts({ request: { customFields: { justification: long } } }));
    expect(outcome).toMatchObject({ ok: false, unknown: true });
    expect(outcome.detail).toContain(`longer than ${MAX_MATCHED_VALUE_LENGTH} characters`);
  });

  it('keeps undecided through not, and lets a decided child settle all / any', () => {
    const withLong = facts({ request: { customFields: { justification: long } } });
    expect(evaluate(condition({ not: when }), withLong)).toMatchObject({ ok: false, unknown: true });
    expect(evaluate(condition({ all: [when, { email_in: ['nobody@example.com'] }] }), withLong)).toMatchObject({ ok: false });
    expect(evaluate(condition({ all: [when, { email_in: ['nobody@example.com'] }] }), withLong).unknown).toBeUndefined();
    expect(evaluate(condition({ any: [when, { all: [] }] }), withLong)).toMatchObject({ ok: true });
  });

  it('cannot be used to dodge a deny rule, and never satisfies an allow rule', () => {
    // Prepare
    const rules = [entry({ rule_id: 'allow-all', when: { all: [] } }), entry({ rule_id: 'deny-tests', effect: 'deny', when })];
    const allowOnly = [entry({ rule_id: 'allow-tests', when })];
    const withLong = facts({ request: { customFields: { justification: long } } });
    // Act
    const denied = decidePreApproval(rules, withLong);
    const notAllowed = decidePreApproval(allowOnly, withLong);
    // Assess
    expect(denied).toMatchObject({ approved: false, rule_id: 'deny-tests' });
    expect(denied.trace.find((item) => item.rule_id === 'deny-tests')?.outcome).toBe('undecided');
    expect(notAllowed.approved).toBe(false);
  });
});
