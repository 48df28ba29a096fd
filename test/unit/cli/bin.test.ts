/**
 * The real command, as CI runs it: `node bin/lumos-rules.cjs …` in a child process (and `npx
 * lumos-rules` in a checkout). What the program does with its arguments is tested in-process
 * (program.test.ts); these check the entry itself: it starts under tsx from a checkout, writes
 * to the real stdout and stderr, and hands the program's exit code to the process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLumosRules } from '../../../src/cli/rules/program';
import { recordingIo } from '../../support/recording-io';
import { type RuleFolder, ruleFolder } from './rule-folder';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'lumos-rules.cjs');

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

function lumosRules(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } });
  return { status, stdout, stderr };
}

describe('bin/lumos-rules.cjs', () => {
  it("checks the repository's own rules/ (the demo) with exit 0 and the summary on stdout", () => {
    // Act
    const check = lumosRules(['check'], ROOT);
    // Assess
    expect(check).toMatchObject({ status: 0, stdout: '3 rules in 3 files: 0 problems, 0 warnings\n', stderr: '' });
  });

  it('exits 2 on a path that does not exist, with the reason on stderr', () => {
    // Prepare
    folder = ruleFolder({});
    // Act
    const missing = lumosRules(['check', 'nope'], folder.root);
    // Assess
    expect(missing).toMatchObject({ status: 2, stdout: '', stderr: 'error: nope: no such file or folder\n' });
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

describe("the repository's own rules/", () => {
  it('pass their tests (rules/demo.test.yaml)', async () => {
    // Prepare
    const io = recordingIo(ROOT);
    // Act
    const code = await runLumosRules(['test'], io, '0.0.0');
    // Assess
    expect({ code, err: io.err() }).toEqual({ code: 0, err: '' });
    expect(io.out()).toMatch(/^[1-9]\d* passed, 0 failed\n$/);
  });
});
