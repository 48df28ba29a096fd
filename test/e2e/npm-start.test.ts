/** `npm start` as a developer runs it: banner, a working curl line, Ctrl-C stops everything. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canConnect } from '../../src/local/dynamodb-local';
import { fixture } from '../support/events';

const ROOT = join(__dirname, '..', '..');

function startNpm(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  // Its own process group, so a signal reaches the whole tree as Ctrl-C in a terminal does.
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True while any process of the child's group (npm, tsx, node, java) is alive. */
function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-(child.pid as number), 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The pid of the DynamoDB Local JVM listening on `port`, found through /proc (Linux). */
function dynamoDbLocalPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // Gone meanwhile.
    }
    const portIndex = args.indexOf('-port');
    if (args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && portIndex >= 0 && args[portIndex + 1] === String(port)) return Number(entry);
  }
  return undefined;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

describe('npm start', () => {
  it('prints the URL, token and a curl line that works, and Ctrl-C leaves no process behind', async () => {
    // Prepare
    const { child, output } = startNpm({ PORT: '0', LUMOS_WEBHOOK_TOKEN: 'npm-start-token-0123456789', DYNAMODB_PORT: '' });
    try {
      await waitFor(() => output().includes('Ctrl-C stops everything'), 40_000);
      const url = /POST (http:\/\/127\.0\.0\.1:\d+\/pre-approval)/.exec(output())?.[1];
      const dynamoPort = Number(/DynamoDB: http:\/\/127\.0\.0\.1:(\d+)/.exec(output())?.[1]);
      expect(output()).toContain('Token:    npm-start-token-0123456789');
      expect(output()).toMatch(/curl -sS -X POST http:\/\/127\.0\.0\.1:\d+\/pre-approval -H 'Authorization: Bearer npm-start-token-0123456789'/);
      // Act
      const response = await fetch(url as string, {
        method: 'POST',
        headers: { authorization: 'Bearer npm-start-token-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify(fixture('pre-approval.json')),
      });
      const body = (await response.json()) as { response: string };
      // The banner's ready lumos-rules line, as a developer would paste it (npx runs bin/lumos-rules.cjs).
      const rulesArgs = /^ {2}Rules: {4}npx lumos-rules (.+)$/m.exec(output())?.[1]?.split(' ') ?? [];
      const plan = spawnSync(process.execPath, [join(ROOT, 'bin', 'lumos-rules.cjs'), ...rulesArgs], { cwd: ROOT, encoding: 'utf8' });
      process.kill(-(child.pid as number), 'SIGINT');
      await exited(child);
      // Assess
      expect(body.response).toBe('PREAPPROVED');
      expect(rulesArgs.slice(0, 3)).toEqual(['plan', '--endpoint', `http://127.0.0.1:${dynamoPort}`]);
      expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 0, stderr: '' });
      expect(plan.stdout).toContain('Rules: 0 to add, 0 to change, 0 to remove, 3 unchanged');
      expect(plan.stdout).toContain('Replay: 1 audited call of the last 7 days');
      await waitFor(() => !groupAlive(child), 10_000);
      expect(output()).toContain('SIGINT: stopping');
      // Ctrl-C reaches DynamoDB Local too; its exit is then expected, not an error.
      expect(output()).not.toContain('exited unexpectedly');
      expect(await canConnect(dynamoPort)).toBe(false);
    } finally {
      if (child.exitCode === null) killGroup(child);
    }
  });

  it('says so and exits non-zero when DynamoDB Local dies under it', async () => {
    // Prepare
    const { child, output } = startNpm({ PORT: '0', LUMOS_WEBHOOK_TOKEN: 'npm-start-token-0123456789', DYNAMODB_PORT: '' });
    try {
      await waitFor(() => output().includes('Ctrl-C stops everything'), 40_000);
      const url = /POST (http:\/\/127\.0\.0\.1:(\d+))\/pre-approval/.exec(output());
      const dynamoPort = Number(/DynamoDB: http:\/\/127\.0\.0\.1:(\d+)/.exec(output())?.[1]);
      const java = dynamoDbLocalPid(dynamoPort);
      expect(java).toBeDefined();
      // Act
      process.kill(java as number, 'SIGKILL');
      const code = await Promise.race([exited(child), new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
      // Assess
      expect(code).toBe(1);
      expect(output()).toContain('DynamoDB Local exited unexpectedly (code null, signal SIGKILL); stopping');
      expect(output().match(/DynamoDB:/g)).toHaveLength(1);
      await waitFor(() => !groupAlive(child), 10_000);
      expect(await canConnect(Number(url?.[2]))).toBe(false);
    } finally {
      if (child.exitCode === null) killGroup(child);
    }
  });

  it('says how to install Java when it is missing, and exits non-zero', async () => {
    // Prepare: a PATH with node and a shell (npm runs scripts with sh) but no java.
    const bin = mkdtempSync(join(tmpdir(), 'nojava-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const npmCli = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    const child = spawn(process.execPath, [npmCli, 'start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, PATH: bin, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Act
    const code = await exited(child);
    // Assess
    expect(code).not.toBe(0);
    expect(output).toContain('apt-get install -y openjdk-17-jre-headless');
  });
});
