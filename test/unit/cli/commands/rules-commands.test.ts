/**
 * lumos-rules commands run without a terminal or a program: `run` with its options and a clock
 * returns the result, `print` shows it, the exit code comes from it. Rule files only, no table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../../../src/cli/rules/commands/check';
import { explainCommand } from '../../../../src/cli/rules/commands/explain';
import { testCommand } from '../../../../src/cli/rules/commands/test';
import { print } from '../../../../src/cli/shared/command';
import { terminalColours } from '../../../../src/cli/shared/terminal-text';
import { type RuleFolder, ruleFolder } from '../rule-folder';

const AT = new Date('2031-05-06T07:08:09.000Z');
const PAYLOAD = readFileSync(join(__dirname, '..', '..', '..', '..', 'fixtures', 'lumos', 'pre-approval.json'), 'utf8');
const STAFF_RULE = 'app_id: demo_app\nrule_id: staff\nkind: pre_approval\neffect: allow\nwhen: { email_domain_in: [lumos.com] }\n';
const WILDCARD_RULE = 'app_id: "*"\nrule_id: no-contractors\nkind: pre_approval\neffect: deny\nwhen: { email_domain_in: [contractors.example.com] }\n';
const plain = { json: false, colours: terminalColours(false) } as const;

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

function inFolder(files: Record<string, string>) {
  folder = ruleFolder(files);
  return { cwd: folder.root, now: () => AT };
}

describe('explain, run directly', () => {
  it('decides a payload with rule files at the clock it is given, and prints the reply with the rule that gave it', async () => {
    // Prepare
    const deps = inFolder({ 'rules/staff.yaml': STAFF_RULE, 'payload.json': PAYLOAD });
    // Act
    const outcome = await explainCommand.run({ kind: 'pre_approval', subject: { payload: 'payload.json' }, rulesDir: 'rules', tables: {} }, deps);
    // Assess
    expect(outcome).toMatchObject({ shows: 'payload', stateAsOf: AT, outcome: { reply: 'PREAPPROVED', rule_id: 'staff' } });
    expect(explainCommand.exitCode(outcome)).toBe(0);
    expect(print(explainCommand.print, outcome, plain).text).toMatch(
      /^pre_approval with the rule files in rules, state as of 2031-05-06T07:08:09.000Z:\nReply: PREAPPROVED \(allowed by rule staff\)\n/,
    );
  });

  it('answers a payload the webhook would refuse with its problems, exit 1, and reads no table', async () => {
    // Prepare
    const deps = inFolder({ 'rules/staff.yaml': STAFF_RULE, 'payload.json': '{"application": {}}' });
    // Act
    const outcome = await explainCommand.run({ kind: 'pre_approval', subject: { payload: 'payload.json' }, rulesDir: 'rules', tables: {} }, deps);
    // Assess
    expect(outcome.shows).toBe('problems');
    expect(explainCommand.exitCode(outcome)).toBe(1);
    expect(JSON.parse(print(explainCommand.print, outcome, { json: true }).text)).toEqual({
      problems: expect.arrayContaining([expect.stringMatching(/^payload\.json: .*\(the webhook would answer 422\)$/)]),
    });
  });
});

describe('check and test, run directly', () => {
  it('fails on a warning only when strict', async () => {
    // Prepare
    const deps = inFolder({ 'rules/no-contractors.yaml': WILDCARD_RULE });
    // Act
    const lenient = await checkCommand.run({ paths: [], strict: false }, deps);
    const strict = await checkCommand.run({ paths: [], strict: true }, deps);
    // Assess
    expect(lenient.check.warnings).toHaveLength(1);
    expect([checkCommand.exitCode(lenient), checkCommand.exitCode(strict)]).toEqual([0, 1]);
  });

  it('lists passing cases only when verbose', async () => {
    // Prepare
    const deps = inFolder({
      'rules/staff.yaml': STAFF_RULE,
      'rules/staff.test.yaml':
        'cases:\n  - { name: staff, kind: pre_approval, app: demo_app, permissions: [p], target: a@lumos.com, expect: { reply: PREAPPROVED } }\n',
    });
    // Act
    const quiet = await testCommand.run({ paths: [], strict: false, verbose: false }, deps);
    const verbose = await testCommand.run({ paths: [], strict: false, verbose: true }, deps);
    // Assess
    expect(testCommand.exitCode(quiet)).toBe(0);
    expect(print(testCommand.print, quiet, plain).text).toBe('1 passed, 0 failed\n');
    expect(print(testCommand.print, verbose, plain).text).toBe('✓ rules/staff.test.yaml: cases[0] "staff"\n1 passed, 0 failed\n');
  });
});
