/** The program as a user meets it: exit codes, one JSON document with --json, colours only on a terminal, one-line errors. */
import { afterEach, describe, expect, it } from 'vitest';
import { runLumosRules } from '../../../src/cli/rules/program';
import { recordingIo } from '../../support/recording-io';
import { ONCALL_RULE, type RuleFolder, ruleFolder } from './rule-folder';

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

const WILDCARD_RULE = 'app_id: "*"\nrule_id: no-contractors\nkind: pre_approval\neffect: deny\nwhen: { email_domain_in: [contractors.example.com] }\n';
const ESCAPE = '\u001b[';

async function lumosRules(args: string[], files: Record<string, string>, io: Partial<Parameters<typeof recordingIo>[1]> = {}) {
  folder = ruleFolder(files);
  const recording = recordingIo(folder.root, io);
  const code = await runLumosRules(args, recording, '1.2.3');
  return { code, out: recording.out(), err: recording.err() };
}

describe('lumos-rules exit codes', () => {
  it('exits 0 with a summary when the rules are fine', async () => {
    // Act
    const { code, out } = await lumosRules(['check'], { 'rules/oncall.yaml': ONCALL_RULE });
    // Assess
    expect(code).toBe(0);
    expect(out).toBe('1 rule in 1 file: 0 problems, 0 warnings\n');
  });

  it('exits 1 when check finds a problem', async () => {
    // Act
    const { code, out } = await lumosRules(['check'], { 'rules/oncall.yaml': ONCALL_RULE.replace('effect: allow', 'effect: alow') });
    // Assess
    expect(code).toBe(1);
    expect(out).toContain('rules/oncall.yaml: effect: effect must be "allow" or "deny" (did you mean "allow"?)');
  });

  it('exits 0 on warnings, and 1 with --strict', async () => {
    // Act
    const lenient = await lumosRules(['check'], { 'rules/no-contractors.yaml': WILDCARD_RULE });
    const strict = await lumosRules(['check', '--strict'], { 'rules/no-contractors.yaml': WILDCARD_RULE });
    // Assess
    expect(lenient.code).toBe(0);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('warning: rules/no-contractors.yaml: app_id: "*" applies this pre_approval rule to every app');
  });

  it('exits 1 when a test case fails', async () => {
    // Act
    const { code, out } = await lumosRules(['test'], {
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/demo.test.yaml':
        'cases:\n  - { name: nobody on call, kind: pre_approval, app: demo_app, permissions: [p], target: a@example.com, expect: { reply: PREAPPROVED } }\n',
    });
    // Assess
    expect(code).toBe(1);
    expect(out).toContain('✗ rules/demo.test.yaml: cases[0] "nobody on call"\n    expected reply "PREAPPROVED", got "NOT_PREAPPROVED"\n');
    expect(out).toContain('          ✗ on_call: a@example.com is not on call for demo-oncall\n');
    expect(out.endsWith('0 passed, 1 failed\n')).toBe(true);
  });

  it.each([
    [['check', '--colour'], "error: unknown option '--colour'"],
    [['chek'], "error: unknown command 'chek'\n(Did you mean check?)"],
    [['check', 'rulez'], 'error: rulez: no such file or folder'],
    [['test', 'rulez'], 'error: rulez: no such file or folder'],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    // Act
    const { code, out, err } = await lumosRules(args, { 'rules/oncall.yaml': ONCALL_RULE });
    // Assess
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(out).toBe('');
  });

  it('exits 2 without a command, showing the commands', async () => {
    // Act
    const { code, err } = await lumosRules([], {});
    // Assess
    expect(code).toBe(2);
    expect(err).toContain('check [options] [paths...]');
  });

  it('exits 0 for --help and --version', async () => {
    // Act
    const help = await lumosRules(['check', '--help'], {});
    const version = await lumosRules(['--version'], {});
    // Assess
    expect(help).toMatchObject({ code: 0, out: expect.stringContaining('--strict') });
    expect(version).toMatchObject({ code: 0, out: '1.2.3\n' });
  });

  it('reports an unexpected error in one line on stderr and exits 1; with DEBUG, the stack', async () => {
    // Prepare: a stdout that fails, as a full disk would.
    const failing = {
      stdout: () => {
        throw new Error('no space left on device\nmore detail');
      },
    };
    // Act
    const quiet = await lumosRules(['check'], { 'rules/oncall.yaml': ONCALL_RULE }, failing);
    const debug = await lumosRules(['check'], { 'rules/oncall.yaml': ONCALL_RULE }, { ...failing, env: { DEBUG: '1' } });
    // Assess
    expect(quiet).toMatchObject({ code: 1, err: 'lumos-rules: unexpected error: no space left on device (set DEBUG=1 for details)\n' });
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/^Error: no space left on device\nmore detail\n {4}at /);
  });
});

describe('lumos-rules output', () => {
  it('prints one JSON document and nothing else with --json', async () => {
    // Act
    const { code, out } = await lumosRules(['check', '--json'], { 'rules/no-contractors.yaml': WILDCARD_RULE }, { isTTY: true });
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      files: 1,
      rules: 1,
      problems: [],
      warnings: [{ file: 'rules/no-contractors.yaml', path: 'app_id', message: '"*" applies this pre_approval rule to every app', line: 1, column: 9 }],
    });
    expect(out).not.toContain(ESCAPE);
  });

  it('gives each case of test --json its result and trace', async () => {
    // Act
    const { out } = await lumosRules(['test', '--json'], {
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/demo.test.yaml':
        'cases:\n  - { name: c, kind: pre_approval, app: demo_app, permissions: [p], target: a@example.com, expect: { reply: NOT_PREAPPROVED } }\n',
    });
    // Assess
    expect(JSON.parse(out)).toMatchObject({
      passed: 1,
      failed: 0,
      cases: [
        {
          file: 'rules/demo.test.yaml',
          name: 'c',
          passed: true,
          actual: { reply: 'NOT_PREAPPROVED' },
          trace: [{ rule_id: 'oncall-preapprove', outcome: 'not_matched' }],
        },
      ],
    });
  });

  it('colours only on a terminal, and never with NO_COLOR', async () => {
    // Act
    const terminal = await lumosRules(['check'], { 'rules/no-contractors.yaml': WILDCARD_RULE }, { isTTY: true });
    const noColor = await lumosRules(['check'], { 'rules/no-contractors.yaml': WILDCARD_RULE }, { isTTY: true, env: { NO_COLOR: '1' } });
    const piped = await lumosRules(['check'], { 'rules/no-contractors.yaml': WILDCARD_RULE });
    // Assess
    expect(terminal.out).toContain(ESCAPE);
    expect(noColor.out).not.toContain(ESCAPE);
    expect(piped.out).not.toContain(ESCAPE);
  });

  it('lists passing cases with --verbose', async () => {
    // Act
    const { out } = await lumosRules(['test', '--verbose'], {
      'rules/oncall.yaml': ONCALL_RULE,
      'rules/demo.test.yaml':
        'cases:\n  - { name: c, kind: pre_approval, app: demo_app, permissions: [p], target: a@example.com, expect: { reply: NOT_PREAPPROVED } }\n',
    });
    // Assess
    expect(out).toBe('✓ rules/demo.test.yaml: cases[0] "c"\n1 passed, 0 failed\n');
  });
});
