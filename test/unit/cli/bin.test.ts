/**
 * The real command, as CI runs it: `node bin/lumos-rules.cjs …` in a child process (and `npx
 * lumos-rules` in a checkout), on temporary folders and on the repository's own rules/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ONCALL_RULE, type RuleFolder, ruleFolder } from './rule-folder';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'lumos-rules.cjs');

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

function lumosRules(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } });
  return { status, stdout, stderr };
}

function inFolder(files: Record<string, string>, args: string[], env: NodeJS.ProcessEnv = {}) {
  folder = ruleFolder(files);
  return lumosRules(args, folder.root, env);
}

describe('bin/lumos-rules.cjs', () => {
  it("checks and tests the repository's own rules/ (the demo) with exit 0", () => {
    // Act
    const check = lumosRules(['check'], ROOT);
    const test = lumosRules(['test'], ROOT);
    // Assess
    expect(check).toMatchObject({ status: 0, stdout: '3 rules in 3 files: 0 problems, 0 warnings\n', stderr: '' });
    expect(test.status).toBe(0);
    expect(test.stdout).toMatch(/^\d+ passed, 0 failed\n$/);
  });

  it('exits 1 naming the file and path of a problem, and prints one JSON document with --json', () => {
    // Act
    const human = inFolder({ 'rules/oncall.yaml': ONCALL_RULE.replace('on_call:', 'oncal:') }, ['check']);
    const json = lumosRules(['check', '--json'], (folder as RuleFolder).root);
    // Assess
    expect(human).toMatchObject({
      status: 1,
      stdout: expect.stringContaining('rules/oncall.yaml: when.all[0].oncal: unknown condition (did you mean "on_call"?)\n'),
    });
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 1, rules: 0, problems: [{ file: 'rules/oncall.yaml', path: 'when.all[0].oncal', line: 7 }] });
  });

  it('exits 0 on a warning, 1 with --strict', () => {
    // Act
    const files = { 'rules/all.yaml': 'app_id: "*"\nrule_id: all\nkind: pre_approval\neffect: deny\nwhen: { email_in: [a@example.com] }\n' };
    const lenient = inFolder(files, ['check']);
    const strict = lumosRules(['check', '--strict'], (folder as RuleFolder).root);
    // Assess
    expect(lenient.status).toBe(0);
    expect(strict.status).toBe(1);
  });

  it('exits 1 when a case fails, 0 when it passes', () => {
    // Act
    const testFile = (reply: string) =>
      `cases:\n  - { name: c, kind: pre_approval, app: demo_app, permissions: [p], target: a@example.com, expect: { reply: ${reply} } }\n`;
    const failing = inFolder({ 'rules/oncall.yaml': ONCALL_RULE, 'rules/c.test.yaml': testFile('PREAPPROVED') }, ['test']);
    folder?.remove();
    const passing = inFolder({ 'rules/oncall.yaml': ONCALL_RULE, 'rules/c.test.yaml': testFile('NOT_PREAPPROVED') }, ['test']);
    // Assess
    expect(failing).toMatchObject({ status: 1, stdout: expect.stringContaining('0 passed, 1 failed') });
    expect(passing).toMatchObject({ status: 0, stdout: '1 passed, 0 failed\n' });
  });

  it('exits 2 on a path that does not exist or an unknown option, with the reason on stderr', () => {
    // Act
    const missing = inFolder({}, ['check', 'nope']);
    const option = lumosRules(['test', '--bogus'], (folder as RuleFolder).root);
    // Assess
    expect(missing).toMatchObject({ status: 2, stdout: '', stderr: 'error: nope: no such file or folder\n' });
    expect(option).toMatchObject({ status: 2, stderr: "error: unknown option '--bogus'\n" });
  });

  it('runs as `npx lumos-rules` in a checkout, offline', () => {
    // Prepare: an npm cache of its own, so the user's is left alone.
    const cache = mkdtempSync(join(tmpdir(), 'lumos-rules-npm-'));
    try {
      // Act
      const { status, stdout } = spawnSync('npx', ['--offline', 'lumos-rules', '--help'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: cache },
      });
      // Assess
      expect(status).toBe(0);
      expect(stdout).toContain('Usage: lumos-rules [options] [command]');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
