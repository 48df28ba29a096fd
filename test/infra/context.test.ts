/** Context keys: a typo in an option fails the synth and names the option meant, without a stack trace. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { ContextError } from '../../lib/context';

const ROOT = path.join(__dirname, '..', '..');
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** The ContextError building the app with this context throws (fails the test if it throws none or another). */
function contextError(context: Record<string, unknown>): ContextError {
  try {
    buildApp({ context: { ...NO_BUNDLING, ...context } });
  } catch (error) {
    expect(error).toBeInstanceOf(ContextError);
    return error as ContextError;
  }
  throw new Error('no error thrown');
}

/** The options docs/deploy.md lists, from its context table (from its header row to the next section). */
function documentedContextKeys(): string[] {
  const deploy = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const start = deploy.indexOf('| context |');
  const end = deploy.indexOf('\n## What is deployed', start);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return [...deploy.slice(start, end).matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1] as string).sort();
}

describe('context keys', () => {
  it('refuses alarmEmial, suggesting alarmEmail and listing the known keys', () => {
    // Act
    const error = contextError({ alarmEmial: 'x@example.com' });
    // Assess
    expect(error.message).toMatch(/^unknown context key "alarmEmial" \(did you mean "alarmEmail"\?\); known keys: /);
    expect(error.message).toContain('alarmEmail, apiExecutionLogging, authHeader');
  });

  it.each([
    ['alarmemail', 'alarmEmail'],
    ['WAF', 'waf'],
    ['wafRateLimt', 'wafRateLimit'],
    ['stackname', 'stackName'],
    ['throttleRateLimits', 'throttleRateLimit'],
    ['validationFailMod', 'validationFailMode'],
  ])('suggests for %s the key %s', (typo, meant) => {
    expect(contextError({ [typo]: 'true' }).message).toContain(`unknown context key "${typo}" (did you mean "${meant}"?)`);
  });

  it('names a key far from any known one without a suggestion, and every unknown key at once', () => {
    // Act
    const error = contextError({ colour: 'blue', alarmEmial: 'x@example.com' });
    // Assess
    expect(error.message).toMatch(/^unknown context key "alarmEmial" \(did you mean "alarmEmail"\?\), unknown context key "colour"; known keys: /);
  });

  it('knows exactly the options docs/deploy.md documents', () => {
    // Act
    const listed = /known keys: (.*)$/.exec(contextError({ colour: 'blue' }).message)?.[1]?.split(', ');
    // Assess
    expect(listed).toEqual(documentedContextKeys());
    expect(listed).toContain('stackName');
  });

  it('16.9 knows sourceSecretPrefix and legacySourceSecretPrefix, and suggests them for a typo', () => {
    // Act
    const known = /known keys: (.*)$/.exec(contextError({ colour: 'blue' }).message)?.[1]?.split(', ');
    // Assess
    expect(known).toEqual(expect.arrayContaining(['sourceSecretPrefix', 'legacySourceSecretPrefix', 'connectorSecretPrefix']));
    expect(contextError({ sourceSecretPrefx: 'acme/' }).message).toContain('unknown context key "sourceSecretPrefx" (did you mean "sourceSecretPrefix"?)');
    expect(contextError({ legacySourceSecretPrefx: 'x/' }).message).toContain(
      'unknown context key "legacySourceSecretPrefx" (did you mean "legacySourceSecretPrefix"?)',
    );
  });

  it('refuses a validationMisconfiguredMessage the function would refuse at start', () => {
    expect(contextError({ validationMisconfiguredMessage: 'x'.repeat(1_001) }).message).toBe(
      'context validationMisconfiguredMessage must be at most 1000 characters',
    );
  });

  it('accepts every documented option, and the keys the CDK library, CLI and cdk.json add', () => {
    // Prepare
    const ours = {
      stackName: 'Staging',
      tokenSecretName: 'lumos/token',
      authHeader: 'x-lumos-token',
      validationFailMode: 'open',
      validationMisconfiguredMessage: 'Ask #access-help in Slack.',
      connectorSecretPrefix: 'acme/',
      sourceSecretPrefix: 'acme-sources/',
      legacySourceSecretPrefix: 'lumos-connectors/',
      throttleRateLimit: '5',
      throttleBurstLimit: '10',
      apiExecutionLogging: 'true',
      waf: 'true',
      wafRateLimit: '500',
      reservedConcurrency: '2',
      unauthorizedAlarmThreshold: '3',
      alarmEmail: 'oncall@example.com',
      sweepMinutes: '15',
    };
    const cdks = {
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': true,
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
      '@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver': true,
      'aws-cdk:enableDiffNoFail': true,
      'cdk-migrate': true,
      'acknowledged-issue-numbers': [32775],
      'cli-telemetry': false,
      'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
    };
    // Act / Assess
    expect(() => buildApp({ context: { ...NO_BUNDLING, ...ours, ...cdks } })).not.toThrow();
  });

  it('reports a value of the wrong shape as a ContextError too', () => {
    expect(contextError({ waf: 'yes' }).message).toBe('context waf must be true or false');
  });

  it('16.9 refuses sourceSecretPrefix=* as a ContextError, saying it would grant every secret', () => {
    expect(contextError({ sourceSecretPrefix: '*' }).message).toBe(
      'context sourceSecretPrefix "*" must not hold "*" or "?": IAM reads them as wildcards, so it would grant every secret in the account and region',
    );
  });
});

describe('cdk synth (the real CLI)', () => {
  /** The real CLI on the project's cdk.json, into a throwaway output folder. */
  function cdkSynth(...context: string[]): Promise<{ code: number | null; stderr: string }> {
    const outdir = mkdtempSync(path.join(tmpdir(), 'context-synth-'));
    const args = ['synth', '-q', '--no-notices', '-o', outdir, ...context.flatMap((pair) => ['-c', pair])];
    return new Promise((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules', '.bin', 'cdk'),
        args,
        { cwd: ROOT, timeout: 110_000, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_NAG: '0' } },
        (error, _stdout, stderr) => {
          rmSync(outdir, { recursive: true, force: true });
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
        },
      );
    });
  }

  // One run of the real CLI, which stops before bundling: the keys the CLI and cdk.json add to the
  // context would be named beside alarmEmial (the list is sorted, and the line must begin and end
  // with it), so it shows both that they are taken for known keys and how an error reaches the user.
  // The stack it builds when nothing is wrong is CI's own `cdk synth` (.ci/run).
  it('fails on -c alarmEmial=…, naming that key alone and which key was meant, in one line without a stack trace', async () => {
    // Act
    const { code, stderr } = await cdkSynth('alarmEmial=a@b.co');
    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^Error: unknown context key "alarmEmial" \(did you mean "alarmEmail"\?\); known keys: [^"]*$/m);
    expect(stderr).not.toMatch(/^ {4}at /m);
  });
});
