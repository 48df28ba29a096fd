import { afterEach, describe, expect, it } from 'vitest';
import { type CheckResult, checkRules } from '../../../../src/cli/rules/check/check-rules';
import { formatFinding } from '../../../../src/cli/shared/finding';
import { ONCALL_RULE, type RuleFolder, ruleFolder } from '../rule-folder';

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

function check(files: Record<string, string>): CheckResult {
  folder = ruleFolder(files);
  return checkRules([], folder.root);
}

const lines = (findings: CheckResult['problems']) => findings.map(formatFinding);

const rule = (fields: string) => `app_id: demo_app\nkind: pre_approval\neffect: allow\n${fields}\n`;

describe('check: problems', () => {
  it('passes the demo rule, counting rules and files', () => {
    // Act
    const result = check({ 'rules/oncall-preapprove.yaml': ONCALL_RULE, 'rules/demo.test.yaml': 'cases: []' });
    // Assess
    expect(result).toEqual({ files: 1, rules: 1, problems: [], warnings: [] });
  });

  it('names the file and the path of a misspelt condition, with what was meant', () => {
    // Act
    const result = check({ 'rules/oncall.yaml': ONCALL_RULE.replace('on_call:', 'oncal:') });
    // Assess
    expect(lines(result.problems)).toEqual(['rules/oncall.yaml: when.all[0].oncal: unknown condition (did you mean "on_call"?)']);
    expect(result.problems[0]).toMatchObject({ line: 7 });
  });

  it("keeps the parser's list of conditions when no name is close", () => {
    // Act
    const result = check({ 'rules/x.yaml': rule('rule_id: x\nwhen: { weather: sunny }') });
    // Assess
    expect(lines(result.problems)).toEqual([
      expect.stringMatching(/^rules\/x\.yaml: when\.weather: unknown condition "weather"; expected one of all, any, not, on_call/),
    ]);
  });

  it('names each misspelt attribute inside a condition, at its own path, with what the condition takes', () => {
    // Act
    const result = check({ 'rules/x.yaml': rule('rule_id: x\nwhen: { on_call: { schedule: s, whoo: requester } }') });
    // Assess
    expect(lines(result.problems)).toEqual(['rules/x.yaml: when.on_call.whoo: unknown attribute (did you mean "who"?); on_call takes schedule, who']);
  });

  it('reports every problem of an item at once, a misspelt attribute beside a bad kind included', () => {
    // Act
    const result = check({ 'rules/x.yaml': 'app_id: demo_app\nrule_id: x\nkind: pre-approval\nenable: false\neffect: allow\nwhen: { all: [] }\n' });
    // Assess
    expect(lines(result.problems)).toEqual([
      'rules/x.yaml: kind: kind must be one of pre_approval, request_validation, provisioning (did you mean "pre_approval"?)',
      'rules/x.yaml: enable: unknown attribute (did you mean "enabled"?); notes go in description, notes or an x_ attribute',
    ]);
  });

  it('suggests the value meant for a misspelt day', () => {
    // Act
    const result = check({ 'rules/x.yaml': rule('rule_id: x\nwhen: { time_window: { days: [thurs], from: "09:00", to: "17:00", tz: UTC } }') });
    // Assess
    expect(lines(result.problems)).toEqual([expect.stringMatching(/^rules\/x\.yaml: when\.time_window\.days\[0\]: .* \(did you mean "thu"\?\)$/)]);
  });

  it('gives the line and column of a file that is not valid JSON', () => {
    // Act
    const result = check({ 'rules/x.json': '{\n  "app_id": "demo_app",\n  "rule_id": "x",\n}\n' });
    // Assess
    expect(lines(result.problems)).toEqual(['rules/x.json:3:17: not valid JSON: a comma before "}": JSON allows no trailing comma']);
    expect(result).toMatchObject({ files: 1, rules: 0 });
  });

  it('accepts a "$schema" line, which editors read', () => {
    // Act
    const result = check({
      'rules/x.json': JSON.stringify({
        $schema: '../schema/rule.schema.json',
        ...{ app_id: 'a', rule_id: 'x', kind: 'pre_approval', effect: 'deny', when: { all: [] } },
      }),
    });
    // Assess
    expect(result.problems).toEqual([]);
  });
});

describe('check: warnings', () => {
  it('warns that a * rule applies to every app', () => {
    // Act
    const result = check({
      'rules/no-contractors.yaml':
        'app_id: "*"\nrule_id: no-contractors\nkind: pre_approval\neffect: deny\nwhen: { email_domain_in: [contractors.example.com] }\n',
    });
    // Assess
    expect(lines(result.warnings)).toEqual(['rules/no-contractors.yaml: app_id: "*" applies this pre_approval rule to every app']);
  });

  it('warns about an app_id with spaces around it, which the functions would never read for that app', () => {
    // Act
    const result = check({ 'rules/spaced.yaml': 'app_id: "demo_app "\nrule_id: spaced\nkind: pre_approval\neffect: allow\nwhen: { all: [] }\n' });
    // Assess
    expect(lines(result.warnings)).toEqual([
      'rules/spaced.yaml: app_id: "demo_app " has spaces around it: the table\'s key keeps them, so the functions never read this rule for "demo_app"',
    ]);
  });

  it('warns about two files with the same app_id and rule_id, naming the first', () => {
    // Act
    const result = check({ 'rules/a.yaml': ONCALL_RULE, 'rules/b.yaml': ONCALL_RULE });
    // Assess
    expect(lines(result.warnings)).toEqual([
      'rules/b.yaml: rule_id: app_id "demo_app" and rule_id "oncall-preapprove" are also those of rules/a.yaml: in the rules table one item would replace the other',
    ]);
  });

  it.each([
    [
      'two windows that never overlap',
      '{ all: [{ time_window: { days: [mon], from: "09:00", to: "12:00", tz: UTC } }, { time_window: { days: [tue], from: "09:00", to: "12:00", tz: UTC } }] }',
    ],
    [
      'a window past midnight and one after it ends',
      '{ all: [{ time_window: { days: [fri], from: "22:00", to: "06:00", tz: UTC } }, { time_window: { days: [sat], from: "06:00", to: "08:00", tz: UTC } }] }',
    ],
    [
      'windows in two zones whose offsets never line them up',
      '{ all: [{ time_window: { days: [mon], from: "09:00", to: "10:00", tz: Europe/Berlin } }, { time_window: { days: [mon], from: "10:00", to: "11:00", tz: UTC } }] }',
    ],
    ['not around a window open all week', '{ not: { time_window: { from: "00:00", to: "24:00", tz: UTC } } }'],
  ])('warns that a rule never holds: %s', (_what, when) => {
    // Act
    const result = check({ 'rules/x.yaml': rule(`rule_id: x\nwhen: ${when}`) });
    // Assess
    expect(lines(result.warnings)).toEqual([
      'rules/x.yaml: when: never holds: no time of the week satisfies its time_window conditions; this rule never pre-approves anything',
    ]);
  });

  it.each([
    [
      'windows that overlap only in summer time',
      '{ all: [{ time_window: { days: [mon], from: "09:00", to: "10:00", tz: Europe/Berlin } }, { time_window: { days: [mon], from: "07:00", to: "08:00", tz: UTC } }] }',
    ],
    [
      'a window past midnight and one in its early hours',
      '{ all: [{ time_window: { days: [fri], from: "22:00", to: "06:00", tz: UTC } }, { time_window: { days: [sat], from: "05:00", to: "07:00", tz: UTC } }] }',
    ],
    ['a single window', '{ time_window: { days: [sun], from: "23:59", to: "24:00", tz: Pacific/Kiritimati } }'],
  ])('does not warn about %s', (_what, when) => {
    // Act
    const result = check({ 'rules/x.yaml': rule(`rule_id: x\nwhen: ${when}`) });
    // Assess
    expect(result.warnings).toEqual([]);
  });

  it('warns that an empty "any" never holds, and what that does to a requirement', () => {
    // Act
    const result = check({ 'rules/x.yaml': 'app_id: demo_app\nrule_id: x\nkind: request_validation\nwhen: { any: [] }\n' });
    // Assess
    expect(lines(result.warnings)).toEqual(['rules/x.yaml: when: never holds, whatever the request; as a requirement it blocks every request in its scope']);
  });

  it('does not warn about a deny rule that an undecided condition can still trigger', () => {
    // Act
    const result = check({
      'rules/x.yaml': 'app_id: demo_app\nrule_id: x\nkind: pre_approval\neffect: deny\nwhen: { not: { custom_field: { name: ticket, matches: "^INC-" } } }\n',
    });
    // Assess
    expect(result.warnings).toEqual([]);
  });

  it('warns about a permission no other rule of the app names, suggesting the one meant', () => {
    // Act
    const result = check({
      'rules/allow.yaml': rule('rule_id: allow\npermissions: [Permision One]\nwhen: { all: [] }'),
      'rules/grant.yaml': 'app_id: demo_app\nrule_id: grant\nkind: provisioning\npermissions: [Permission One, Permission Two]\nprovisioner: ledger\n',
    });
    // Assess
    expect(lines(result.warnings)).toEqual([
      'rules/allow.yaml: permissions[0]: "Permision One" is named by no other rule of demo_app (did you mean "Permission One"?); they name "Permission One", "Permission Two"',
      'rules/grant.yaml: permissions[0]: "Permission One" is named by no other rule of demo_app (did you mean "Permision One"?); they name "Permision One"',
      'rules/grant.yaml: permissions[1]: "Permission Two" is named by no other rule of demo_app; they name "Permision One"',
    ]);
  });

  it('counts a permission_in condition and * rules as naming a permission, and leaves a lone rule alone', () => {
    // Act
    const named = check({
      'rules/allow.yaml': rule('rule_id: allow\npermissions: [read]\nwhen: { all: [] }'),
      'rules/deny.yaml': 'app_id: "*"\nrule_id: deny\nkind: pre_approval\neffect: deny\nwhen: { not: { permission_in: [read] } }\n',
    });
    const alone = check({ 'rules/allow.yaml': rule('rule_id: allow\npermissions: [read]\nwhen: { all: [] }') });
    // Assess
    expect(named.warnings.filter((warning) => warning.path.startsWith('permissions'))).toEqual([]);
    expect(alone.warnings).toEqual([]);
  });

  it('warns about an allow rule whose deny twin always wins', () => {
    // Act
    const result = check({
      'rules/allow.yaml': rule('rule_id: allow\npermissions: [b, a]\nwhen: { email_in: [Alice@Example.com] }'),
      'rules/deny.yaml': 'app_id: demo_app\nrule_id: deny\nkind: pre_approval\neffect: deny\npermissions: [a, b]\nwhen: { email_in: [alice@example.com] }\n',
    });
    // Assess
    expect(lines(result.warnings)).toEqual([
      'rules/allow.yaml: effect: the deny rule "deny" (rules/deny.yaml) has the same app, permissions and conditions, and deny always wins: this rule never pre-approves anything',
    ]);
  });

  it('does not warn about an allow rule whose deny twin is only in shadow mode', () => {
    // Act
    const result = check({
      'rules/allow.yaml': rule('rule_id: allow\nwhen: { email_in: [alice@example.com] }'),
      'rules/deny.yaml': 'app_id: demo_app\nrule_id: deny\nkind: pre_approval\neffect: deny\nmode: shadow\nwhen: { email_in: [alice@example.com] }\n',
    });
    // Assess
    expect(result.warnings).toEqual([]);
  });

  it('warns when there are no rule files at all', () => {
    // Act
    const result = check({ 'rules/demo.test.yaml': 'cases: []' });
    // Assess
    expect(lines(result.warnings)).toEqual(['rules: no rule files (.json, .yaml, .yml) found']);
  });
});
