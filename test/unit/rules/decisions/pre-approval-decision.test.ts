import { describe, expect, it } from 'vitest';
import { decidePreApproval } from '../../../../src/rules/decisions/pre-approval-decision';
import { stateLookups } from '../../../../src/rules/lookups';
import { parseRuleItem } from '../../../../src/rules/rule-item';
import { ALICE, BOB, entry, facts, request, ruleItem, shift } from '../../../support/rules';

const ON_CALL = { on_call: { schedule: 'db-primary' } };
const NOT_LISTED = { email_in: ['nobody@example.com'] };
/** Alice is on call for db-primary around NOW (2026-03-29T00:30Z). */
const onCallFacts = (permissions: string[] = ['read']) =>
  facts({ request: { permissions }, shifts: [shift(ALICE, '2026-03-29T00:00:00Z', '2026-03-29T08:00:00Z')] });

describe('decidePreApproval', () => {
  it('approves when an allow rule matches, naming that rule', () => {
    // Prepare
    const entries = [entry({ rule_id: 'oncall-db', when: ON_CALL })];
    // Act
    const decision = decidePreApproval(entries, onCallFacts());
    // Assess
    expect(decision.approved).toBe(true);
    expect(decision.rule_id).toBe('oncall-db');
    expect(decision.reason).toBe('allowed by rule oncall-db');
    expect(decision.trace).toEqual([
      {
        app_id: 'app-1',
        rule_id: 'oncall-db',
        outcome: 'matched',
        effect: 'allow',
        mode: 'enforce',
        detail: `${ALICE} is on call for db-primary until 2026-03-29T08:00:00Z`,
      },
    ]);
  });

  it('does not approve when the allow rule does not match, and says why in the trace', () => {
    const decision = decidePreApproval([entry({ rule_id: 'oncall-db', when: ON_CALL })], facts());
    expect(decision).toMatchObject({ approved: false, reason: 'no allow rule matched' });
    expect(decision.rule_id).toBeUndefined();
    expect(decision.trace).toEqual([
      expect.objectContaining({ rule_id: 'oncall-db', outcome: 'not_matched', detail: `${ALICE} is not on call for db-primary` }),
    ]);
  });

  it('answers "no allow rule matched" when there are no rules', () => {
    expect(decidePreApproval([], onCallFacts())).toEqual({ approved: false, reason: 'no allow rule matched', trace: [] });
  });

  it.each([
    ['higher', 100, 0],
    ['equal', 0, 0],
    ['lower', -5, 10],
  ])('lets a matching deny win over a matching allow whatever their priorities (deny priority %s)', (_label, denyPriority, allowPriority) => {
    // Prepare
    const entries = [
      entry({ rule_id: 'allow-all', priority: allowPriority }),
      entry({ rule_id: 'deny-contractors', effect: 'deny', priority: denyPriority, when: { email_domain_in: ['example.com'] } }),
    ];
    // Act
    const decision = decidePreApproval(entries, onCallFacts());
    // Assess
    expect(decision).toMatchObject({ approved: false, rule_id: 'deny-contractors', reason: 'denied by rule deny-contractors' });
    expect(decision.trace.map((item) => [item.rule_id, item.outcome])).toContainEqual(['allow-all', 'matched']);
  });

  it('approves when a deny rule is in scope but does not match', () => {
    const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'deny-unlimited', effect: 'deny', when: { not: { access_length_at_most: 86_400 } } })];
    const decision = decidePreApproval(entries, onCallFacts());
    expect(decision).toMatchObject({ approved: true, rule_id: 'allow-all' });
    expect(decision.trace).toContainEqual(expect.objectContaining({ rule_id: 'deny-unlimited', outcome: 'not_matched' }));
  });

  it('lists rules in the trace highest priority first', () => {
    const entries = [entry({ rule_id: 'low', priority: 1 }), entry({ rule_id: 'high', priority: 9, when: NOT_LISTED }), entry({ rule_id: 'mid', priority: 5 })];
    expect(decidePreApproval(entries, onCallFacts()).trace.map((item) => item.rule_id)).toEqual(['high', 'mid', 'low']);
  });

  it('never approves on a shadow allow rule, but traces it as matched', () => {
    // Prepare
    const entries = [entry({ rule_id: 'trial-allow', mode: 'shadow' })];
    // Act
    const decision = decidePreApproval(entries, onCallFacts());
    // Assess
    expect(decision).toMatchObject({ approved: false, reason: 'no allow rule matched' });
    expect(decision.trace).toEqual([expect.objectContaining({ rule_id: 'trial-allow', outcome: 'matched', mode: 'shadow', effect: 'allow' })]);
  });

  it('never blocks on a shadow deny rule, but traces it as matched', () => {
    const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'trial-deny', effect: 'deny', mode: 'shadow' })];
    const decision = decidePreApproval(entries, onCallFacts());
    expect(decision).toMatchObject({ approved: true, rule_id: 'allow-all' });
    expect(decision.trace).toContainEqual(expect.objectContaining({ rule_id: 'trial-deny', outcome: 'matched', mode: 'shadow', effect: 'deny' }));
  });

  it('skips a disabled rule and says so in the trace', () => {
    const decision = decidePreApproval([entry({ rule_id: 'paused', enabled: false })], onCallFacts());
    expect(decision).toMatchObject({ approved: false, reason: 'no allow rule matched' });
    expect(decision.trace).toEqual([{ app_id: 'app-1', rule_id: 'paused', outcome: 'skipped', effect: 'allow', mode: 'enforce', detail: 'disabled' }]);
  });

  it('does not block on a disabled deny rule', () => {
    const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'deny-paused', effect: 'deny', enabled: false })];
    expect(decidePreApproval(entries, onCallFacts())).toMatchObject({ approved: true, rule_id: 'allow-all' });
  });

  describe('rules limited to permissions', () => {
    const readOnly = () => entry({ rule_id: 'read-only', permissions: ['read', 'list'] });

    it('decides a request whose every permission is in its list', () => {
      expect(decidePreApproval([readOnly()], onCallFacts(['read']))).toMatchObject({ approved: true, rule_id: 'read-only' });
      expect(decidePreApproval([readOnly()], onCallFacts(['list', 'read']))).toMatchObject({ approved: true, rule_id: 'read-only' });
    });

    it('does not approve a request mixing covered and uncovered permissions', () => {
      // Act
      const decision = decidePreApproval([readOnly()], onCallFacts(['read', 'admin']));
      // Assess
      expect(decision).toMatchObject({ approved: false, reason: 'no allow rule matched' });
      expect(decision.trace).toEqual([expect.objectContaining({ rule_id: 'read-only', outcome: 'skipped', detail: 'limited to permissions ["read","list"]' })]);
    });

    it('still lets a deny rule limited to a permission block a request that bundles it with others', () => {
      // Prepare: "admin is never pre-approved"; an unlimited allow rule matches everything.
      // Bundling "admin" with "read" must not slip past the deny (an ignored deny must never widen access).
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'deny-admin', effect: 'deny', permissions: ['admin'] })];
      // Act
      const alone = decidePreApproval(entries, onCallFacts(['admin']));
      const bundled = decidePreApproval(entries, onCallFacts(['read', 'admin']));
      // Assess
      expect(alone).toMatchObject({ approved: false, rule_id: 'deny-admin' });
      expect(bundled).toMatchObject({ approved: false, rule_id: 'deny-admin' });
    });
  });

  describe('invalid rule items', () => {
    it('refuses when a rule in scope has a typo in when, even though a valid allow rule matches', () => {
      // Prepare
      const entries = [
        entry({ rule_id: 'allow-all', priority: 100 }),
        entry({ rule_id: 'deny-typo', effect: 'deny', when: { oncall: { schedule: 'db-primary' } } }),
      ];
      // Act
      const decision = decidePreApproval(entries, onCallFacts());
      // Assess
      expect(decision).toMatchObject({ approved: false, rule_id: 'deny-typo', reason: 'rule deny-typo is invalid' });
      const invalid = decision.trace.find((item) => item.outcome === 'invalid');
      expect(invalid).toMatchObject({ app_id: 'app-1', rule_id: 'deny-typo' });
      expect(invalid?.detail).toContain('when.oncall: unknown condition "oncall"');
      expect(decision.trace).toContainEqual(expect.objectContaining({ rule_id: 'allow-all', outcome: 'matched' }));
    });

    it('refuses when a rule in scope has no effect, and says so', () => {
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'no-effect', effect: undefined })];
      const decision = decidePreApproval(entries, onCallFacts());
      expect(decision).toMatchObject({ approved: false, reason: 'rule no-effect is invalid' });
      expect(decision.trace).toContainEqual({
        app_id: 'app-1',
        rule_id: 'no-effect',
        outcome: 'invalid',
        mode: 'enforce',
        detail: 'effect: a pre_approval rule needs effect "allow" or "deny"',
      });
    });

    it('never lets an invalid shadow rule decide: traced, otherwise ignored', () => {
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'trial', mode: 'shadow', when: { oncall: {} } })];
      const decision = decidePreApproval(entries, onCallFacts());
      expect(decision).toMatchObject({ approved: true, rule_id: 'allow-all' });
      expect(decision.trace).toContainEqual(expect.objectContaining({ rule_id: 'trial', outcome: 'invalid', mode: 'shadow' }));
    });

    it.each(['Shadow', 'SHADOW', ' shadow', 'dry-run', true])('fails closed on an invalid rule whose mode is %j, not exactly "shadow"', (mode) => {
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'trial', mode, when: { oncall: {} } })];
      expect(decidePreApproval(entries, onCallFacts())).toMatchObject({ approved: false, reason: 'rule trial is invalid', rule_id: 'trial' });
    });

    it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
      'names the rule with a condition called %s as invalid, without affecting the others',
      (name) => {
        const entries = [
          entry({ rule_id: 'allow-all' }),
          parseRuleItem(JSON.parse(`{"app_id":"app-1","rule_id":"odd","kind":"pre_approval","effect":"deny","when":{"${name}":{}}}`)),
        ];
        const decision = decidePreApproval(entries, onCallFacts());
        expect(decision).toMatchObject({ approved: false, reason: 'rule odd is invalid', rule_id: 'odd' });
        expect(decision.trace.find((item) => item.rule_id === 'odd')?.detail).toContain(`unknown condition "${name}"`);
      },
    );

    it.each(['constructor', 'toString', '__proto__'])('lets a disabled item with a condition called %s affect nothing', (name) => {
      const odd = parseRuleItem(JSON.parse(`{"app_id":"app-1","rule_id":"odd","kind":"pre_approval","effect":"deny","enabled":false,"when":{"${name}":{}}}`));
      const decision = decidePreApproval([entry({ rule_id: 'allow-all' }), odd], onCallFacts());
      expect(decision).toMatchObject({ approved: true, rule_id: 'allow-all' });
    });

    it('reports every problem of an invalid rule', () => {
      const bad = entry({ rule_id: 'bad', effect: 'permit', mode: 'dry-run', priority: 'high' });
      const detail = decidePreApproval([bad], onCallFacts()).trace[0]?.detail ?? '';
      expect(detail).toContain('effect: effect must be "allow" or "deny"');
      expect(detail).toContain('mode: mode must be "enforce" or "shadow"');
      expect(detail).toContain('priority: priority must be a number');
    });

    it('reports a problem deep inside when at its full path', () => {
      const bad = entry({ rule_id: 'bad', when: { all: [{ self_request: true }, { time_window: { from: '9am', to: '17:00', tz: 'UTC' } }] } });
      const decision = decidePreApproval([bad], onCallFacts());
      expect(decision.trace).toEqual([
        { app_id: 'app-1', rule_id: 'bad', outcome: 'invalid', mode: 'enforce', detail: 'when.all[1].time_window.from: expected a time as "HH:MM" (24-hour)' },
      ]);
    });

    it("refuses on a rule with a missing or typo'd condition", () => {
      expect(decidePreApproval([entry({ rule_id: 'allow-all' }), entry({ rule_id: 'no-when', when: undefined })], onCallFacts())).toMatchObject({
        approved: false,
        reason: 'rule no-when is invalid',
      });
      expect(decidePreApproval([entry({ rule_id: 'allow-all' }), entry({ rule_id: 'typo', when: { trainig: { course: 'x' } } })], onCallFacts())).toMatchObject(
        {
          approved: false,
          reason: 'rule typo is invalid',
        },
      );
    });

    it('does not block on an invalid item that is disabled, and traces it as skipped', () => {
      // Prepare
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'draft', enabled: false, when: { oncall: {} } })];
      // Act
      const decision = decidePreApproval(entries, onCallFacts());
      // Assess
      expect(decision).toMatchObject({ approved: true, rule_id: 'allow-all' });
      expect(decision.trace).toContainEqual({ app_id: 'app-1', rule_id: 'draft', outcome: 'skipped', detail: 'disabled' });
    });

    it('does not block on an invalid item clearly of another kind, nor trace it', () => {
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'needs-training', kind: 'request_validation', when: { training: {} } })];
      const decision = decidePreApproval(entries, onCallFacts());
      expect(decision).toMatchObject({ approved: true, rule_id: 'allow-all' });
      expect(decision.trace.map((item) => item.rule_id)).toEqual(['allow-all']);
    });

    it.each([
      ['a typo', 'preapproval'],
      ['a wrong type', 7],
      ['nothing', undefined],
    ])('blocks on an invalid item whose kind is %s', (_label, kind) => {
      const entries = [entry({ rule_id: 'allow-all' }), entry({ rule_id: 'mystery', kind })];
      const decision = decidePreApproval(entries, onCallFacts());
      expect(decision).toMatchObject({ approved: false, rule_id: 'mystery', reason: 'rule mystery is invalid' });
      expect(decision.trace).toContainEqual(expect.objectContaining({ rule_id: 'mystery', outcome: 'invalid', detail: expect.stringContaining('kind') }));
    });

    it('names a rule whose ids are missing so the admin can still find it', () => {
      const decision = decidePreApproval([parseRuleItem({ kind: 'pre_approval', effect: 'allow', when: { all: [] } })], onCallFacts());
      expect(decision).toMatchObject({ approved: false, rule_id: '(missing)' });
      expect(decision.trace[0]?.detail).toMatch(/app_id: .*; rule_id: /);
    });
  });

  it('ignores valid rules of other kinds entirely', () => {
    const entries = [
      entry({ rule_id: 'validate', kind: 'request_validation', effect: undefined, message: 'no' }),
      entry({ rule_id: 'provision', kind: 'provisioning', effect: undefined, when: undefined, provisioner: 'ledger' }),
    ];
    expect(entries.every((e) => e.valid)).toBe(true);
    expect(decidePreApproval(entries, onCallFacts())).toEqual({ approved: false, reason: 'no allow rule matched', trace: [] });
  });

  it('applies rules written for every app (app_id *)', () => {
    // Prepare
    const entries = [entry({ app_id: '*', rule_id: 'global-oncall', when: ON_CALL }), entry({ rule_id: 'app-specific', when: NOT_LISTED })];
    // Act
    const decision = decidePreApproval(entries, onCallFacts());
    // Assess
    expect(decision).toMatchObject({ approved: true, rule_id: 'global-oncall' });
    expect(decision.trace).toContainEqual(expect.objectContaining({ app_id: '*', rule_id: 'global-oncall', outcome: 'matched' }));
  });

  it('lets a deny rule for every app (app_id *) block an app rule', () => {
    const entries = [entry({ rule_id: 'allow-all' }), entry({ app_id: '*', rule_id: 'global-deny', effect: 'deny', when: { access_length_at_most: 86_400 } })];
    expect(decidePreApproval(entries, onCallFacts())).toMatchObject({ approved: false, rule_id: 'global-deny' });
  });
});

const shiftLookups = (...args: Parameters<typeof stateLookups>) => stateLookups(...args).shifts;

describe('stateLookups: on-call shifts', () => {
  it('looks up only what in-scope rules ask about, once each', () => {
    // Prepare
    const entries = [
      entry({ rule_id: 'a', when: { any: [ON_CALL, { not: { on_call: { schedule: 'web' } } }] } }),
      entry({ rule_id: 'b', when: ON_CALL }), // duplicate of a's first lookup
      entry({ rule_id: 'shadow', mode: 'shadow', when: { on_call: { schedule: 'shadowed' } } }), // evaluated, so looked up
      entry({ rule_id: 'disabled', enabled: false, when: { on_call: { schedule: 'disabled' } } }),
      entry({ rule_id: 'limited', permissions: ['admin'], when: { on_call: { schedule: 'admin-only' } } }),
      entry({ rule_id: 'other-kind', kind: 'request_validation', when: { on_call: { schedule: 'validation' } } }),
      entry({ rule_id: 'invalid', effect: 'permit', when: { on_call: { schedule: 'invalid' } } }),
    ];
    // Act
    const lookups = shiftLookups(entries, 'pre_approval', request({ permissions: ['read'] }));
    // Assess
    const sorted = [...lookups].sort((x, y) => x.schedule.localeCompare(y.schedule));
    expect(sorted).toEqual([
      { schedule: 'db-primary', email: ALICE },
      { schedule: 'shadowed', email: ALICE },
      { schedule: 'web', email: ALICE },
    ]);
  });

  it('looks up the requester for who: requester, and nothing when there is none', () => {
    // Prepare
    const entries = [entry({ when: { all: [ON_CALL, { on_call: { schedule: 'db-primary', who: 'requester' } }] } })];
    // Act
    const withRequester = shiftLookups(entries, 'pre_approval', request({ target: ALICE, requester: BOB }));
    const selfService = shiftLookups(entries, 'pre_approval', request({ target: ALICE, requester: ALICE }));
    const noRequester = shiftLookups(entries, 'pre_approval', request({ target: ALICE, requester: null }));
    // Assess
    expect(withRequester).toHaveLength(2);
    expect(withRequester).toEqual(
      expect.arrayContaining([
        { schedule: 'db-primary', email: ALICE },
        { schedule: 'db-primary', email: BOB },
      ]),
    );
    expect(selfService).toEqual([{ schedule: 'db-primary', email: ALICE }]);
    expect(noRequester).toEqual([{ schedule: 'db-primary', email: ALICE }]);
  });

  it('looks up nothing when no rule asks about on-call state', () => {
    expect(shiftLookups([entry({ when: { email_in: [ALICE] } })], 'pre_approval', request())).toEqual([]);
    expect(shiftLookups([], 'pre_approval', request())).toEqual([]);
  });

  it('looks up for a limited rule when the request is within its permissions', () => {
    const entries = [entry({ permissions: ['read'], when: ON_CALL })];
    expect(shiftLookups(entries, 'pre_approval', request({ permissions: ['read'] }))).toEqual([{ schedule: 'db-primary', email: ALICE }]);
    expect(shiftLookups(entries, 'pre_approval', request({ permissions: ['read', 'write'] }))).toEqual([]);
  });
});

describe('ruleItem builder sanity', () => {
  it('builds a valid allow rule by default', () => {
    expect(parseRuleItem(ruleItem())).toMatchObject({
      valid: true,
      rule: { kind: 'pre_approval', effect: 'allow', enabled: true, mode: 'enforce', priority: 0 },
    });
  });
});
