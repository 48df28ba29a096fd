import { afterEach, describe, expect, it } from 'vitest';
import { runTests, type TestRunResult } from '../../../../src/cli/rules/rule-tests/run-tests';
import { formatFinding } from '../../../../src/cli/shared/finding';
import { ONCALL_RULE, type RuleFolder, ruleFolder } from '../rule-folder';

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

const STARTED = new Date('2026-01-15T12:00:00Z');
const PETER_ON_CALL = '[{ schedule: demo-oncall, email: PeterParker@Lumos.com, starts_at: 2026-01-15T11:00:00Z, ends_at: 2026-01-15T23:00:00Z }]';
const REQUIREMENT = `app_id: demo_app
rule_id: security-awareness-required
kind: request_validation
when: { training: { course: security-awareness, within_days: 365 } }
message: Complete the Security Awareness training ({course}) before requesting {app}.
`;
const LEDGER = 'app_id: demo_app\nrule_id: ledger-grants\nkind: provisioning\nprovisioner: ledger\n';

function run(files: Record<string, string>): TestRunResult {
  folder = ruleFolder(files);
  return runTests([], folder.root, STARTED);
}

/** A test file of one pre-approval case for Peter on demo_app, with `extra` lines added to the case. */
const preApprovalCase = (extra: string) => `cases:
  - name: case
    kind: pre_approval
    app: demo_app
    permissions: [Permission One]
    target: peterparker@lumos.com
    access_length: 3600
    shifts: ${PETER_ON_CALL}
${extra
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;

describe('test: running cases', () => {
  it('passes a case whose expectation holds, with the emails in facts compared as the runtime compares them', () => {
    // Act
    const result = run({
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/demo.test.yaml': preApprovalCase('expect: { reply: PREAPPROVED, rule_id: oncall-preapprove }'),
    });
    // Assess
    expect(result).toMatchObject({ testFiles: 1, ruleFiles: 1, passed: 1, failed: 0, problems: [], warnings: [] });
    expect(result.cases[0]?.actual).toEqual({ reply: 'PREAPPROVED', reason: 'allowed by rule oncall-preapprove', rule_id: 'oncall-preapprove' });
  });

  it('fails a case whose reply differs, with the trace down to the condition that decided', () => {
    // Act
    const result = run({
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/demo.test.yaml': preApprovalCase('now: 2026-01-16T00:00:00Z\nexpect: { reply: PREAPPROVED }'),
    });
    // Assess
    expect(result).toMatchObject({ passed: 0, failed: 1 });
    expect(result.cases[0]?.mismatches).toEqual([{ what: 'reply', expected: 'PREAPPROVED', actual: 'NOT_PREAPPROVED' }]);
    expect(result.cases[0]?.tree).toEqual([
      { depth: 0, text: 'demo_app/oncall-preapprove: not matched (allow)' },
      { depth: 1, verdict: 'fails', text: 'all' },
      { depth: 2, verdict: 'fails', text: 'on_call: peterparker@lumos.com is not on call for demo-oncall' },
      { depth: 2, verdict: 'holds', text: 'access_length_at_most: access_length 3600 s ≤ 43200 s' },
    ]);
  });

  it('uses the time the tests run when a case gives none', () => {
    // Act: the shift covers STARTED, and the case names no time.
    const result = run({ 'rules/oncall.yaml': ONCALL_RULE, 'rules/demo.test.yaml': preApprovalCase('expect: { reply: PREAPPROVED }') });
    // Assess
    expect(result.passed).toBe(1);
  });

  it('reads a full Lumos payload as the webhook does, fills the message placeholders and finds the message', () => {
    // Act
    const result = run({
      'rules/training.yaml': REQUIREMENT,
      'rules/demo.test.yaml': `cases:
  - name: Mary Jane is told what to do
    kind: request_validation
    payload:
      application: { app_id: demo_app, user_friendly_label: Demo App }
      permissions: [{ value: Permission One }]
      target_user: { email: MaryJane@Lumos.com }
    now: 2026-01-15T12:00:00Z
    expect:
      reply: VALIDATION_FAILED
      message: before requesting Demo App.
      rule_id: security-awareness-required
`,
    });
    // Assess
    expect(result.passed).toBe(1);
    expect(result.cases[0]?.actual?.message).toBe('Complete the Security Awareness training (security-awareness) before requesting Demo App.');
  });

  it('passes a trained person, and fails a case whose message is not in the reply', () => {
    // Act
    const result = run({
      'rules/training.yaml': REQUIREMENT,
      'rules/demo.test.yaml': `cases:
  - name: trained
    kind: request_validation
    app: demo_app
    permissions: [p]
    target: peterparker@lumos.com
    now: 2026-01-15T12:00:00Z
    training: [{ email: peterparker@lumos.com, course: security-awareness, completed_at: 2025-12-16T12:00:00Z }]
    expect: { reply: VALIDATION_PASSED }
  - name: wrong message
    kind: request_validation
    app: demo_app
    permissions: [p]
    target: maryjane@lumos.com
    now: 2026-01-15T12:00:00Z
    expect: { reply: VALIDATION_FAILED, message: Ask your manager }
`,
    });
    // Assess
    expect(result).toMatchObject({ passed: 1, failed: 1 });
    expect(result.cases[1]?.mismatches).toEqual([
      { what: 'message', expected: 'Ask your manager', actual: 'Complete the Security Awareness training (security-awareness) before requesting demo_app.' },
    ]);
  });

  it('answers provisioning as the webhook would: PROVISIONED with the rule and provisioner, or no action, for the app itself too', () => {
    // Act
    const result = run({
      'rules/ledger.yaml': LEDGER,
      'rules/demo.test.yaml': `cases:
  - { name: ledger, kind: provisioning, app: demo_app, permissions: [p], target: a@example.com, expect: { reply: PROVISIONED, rule_id: ledger-grants, provisioner: ledger } }
  - { name: other app, kind: provisioning, app: other_app, permissions: [p], target: a@example.com, expect: { reply: NO_PROVISIONING_ACTION, message: No provisioning rule covers p in other_app } }
  - name: the app itself
    kind: provisioning
    payload: { application: { app_id: demo_app }, permissions: [], target_user: { email: a@example.com } }
    expect: { reply: PROVISIONED, rule_id: ledger-grants }
  - name: another app itself
    kind: provisioning
    payload: { application: { app_id: other_app }, permissions: [], target_user: { email: a@example.com } }
    expect: { reply: NO_PROVISIONING_ACTION, message: No provisioning rule covers the app itself in other_app }
`,
    });
    // Assess
    expect(result).toMatchObject({ passed: 4, failed: 0 });
  });

  it('includes the * rules, as the table does for every app', () => {
    // Act
    const result = run({
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/deny.yaml': 'app_id: "*"\nrule_id: no-lumos\nkind: pre_approval\neffect: deny\nwhen: { email_domain_in: [lumos.com] }\n',
      'rules/demo.test.yaml': preApprovalCase('expect: { reply: NOT_PREAPPROVED, message: denied by rule no-lumos, rule_id: no-lumos }'),
    });
    // Assess
    expect(result.passed).toBe(1);
  });

  it('uses an invalid rule item as the functions would (it fails closed), with a warning', () => {
    // Act
    const result = run({
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/broken.yaml': 'app_id: demo_app\nrule_id: broken\nkind: pre_approval\neffect: deny\nwhen: { oncal: { schedule: x } }\n',
      'rules/demo.test.yaml': preApprovalCase('expect: { reply: NOT_PREAPPROVED, message: rule broken is invalid }'),
    });
    // Assess
    expect(result.passed).toBe(1);
    expect(result.warnings.map(formatFinding)).toEqual([
      'rules/broken.yaml: invalid rule item, read as the functions would read it (in scope, it fails closed); see lumos-rules check',
    ]);
  });

  it('fails a case whose payload the webhook would refuse, with the reasons', () => {
    // Act
    const result = run({
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/demo.test.yaml':
        'cases:\n  - { name: no subject, kind: provisioning, app: demo_app, permissions: [p], requester: a@example.com, expect: { reply: PROVISIONED } }\n',
    });
    // Assess
    expect(result.failed).toBe(1);
    expect(result.cases[0]?.refused).toEqual([{ path: 'target_user.email', message: 'no subject email: expected one in target_user, account or user' }]);
  });
});

describe('test: test files', () => {
  it.each([
    [
      'a misspelt key, with what was meant',
      'expect: { reply: PREAPPROVED, rule: x }',
      'rules/demo.test.yaml: cases[0].expect.rule: unknown key (did you mean "rule_id"?)',
    ],
    [
      'a reply of another kind',
      'expect: { reply: VALIDATION_PASSED }',
      'rules/demo.test.yaml: cases[0].expect.reply: a pre_approval reply is one of PREAPPROVED, NOT_PREAPPROVED',
    ],
    [
      'a time without a zone',
      'now: 2026-01-15T12:00:00\nexpect: { reply: PREAPPROVED }',
      'rules/demo.test.yaml: cases[0].now: "2026-01-15T12:00:00" is not an ISO-8601 time with a zone, such as "2026-01-15T12:00:00Z"',
    ],
    [
      'a payload beside the shorthand',
      'payload: {}\nexpect: { reply: PREAPPROVED }',
      'rules/demo.test.yaml: cases[0].app: give either a payload or the shorthand (app, permissions, …), not both',
    ],
  ])('refuses %s, naming the file and the path', (_what, extra, problem) => {
    // Act
    const result = run({ 'rules/oncall.yaml': ONCALL_RULE, 'rules/demo.test.yaml': preApprovalCase(extra) });
    // Assess
    expect(result.problems.map(formatFinding)).toContain(problem);
    expect(result.cases).toEqual([]);
  });

  it('refuses a test file that is not YAML, with its line', () => {
    // Act
    const result = run({ 'rules/oncall.yaml': ONCALL_RULE, 'rules/demo.test.yaml': 'cases:\n  - name: x\n   kind: pre_approval\n' });
    // Assess
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'rules/demo.test.yaml', path: '', line: 3, message: expect.stringMatching(/^not valid YAML/) }),
    ]);
  });

  it('warns when there are no test files', () => {
    // Act
    const result = run({ 'rules/oncall.yaml': ONCALL_RULE });
    // Assess
    expect(result.warnings.map(formatFinding)).toEqual(['rules: no test files (*.test.json, *.test.yaml, *.test.yml) found']);
  });
});
