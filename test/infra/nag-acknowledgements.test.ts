import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildAppOptions, buildApp } from '../../lib/app';
import { type NagAcknowledgement, nagAcknowledgements } from '../../lib/nag-acknowledgements';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** The app as bin/app.ts builds it, with the checks on and bundling skipped. */
function nagApp(context: Record<string, unknown> = {}, options: Omit<BuildAppOptions, 'context' | 'nag'> = {}) {
  return buildApp({ ...options, nag: true, context: { ...NO_BUNDLING, ...context } });
}

const idsOf = (acknowledgements: readonly NagAcknowledgement[]): string[] => acknowledgements.map((acknowledgement) => acknowledgement.id).sort();

/** Everything optional switched on: WAF, execution logs, alarm e-mail, an imported secret, other prefix and limits. */
const EVERYTHING_ON = {
  waf: 'true',
  wafRateLimit: '500',
  apiExecutionLogging: 'true',
  alarmEmail: 'oncall@example.com',
  tokenSecretName: 'lumos/webhook-token',
  connectorSecretPrefix: 'acme/',
  sourceSecretPrefix: 'acme-sources/',
  legacySourceSecretPrefix: 'acme-old/',
  reservedConcurrency: '2',
  throttleRateLimit: '5',
  throttleBurstLimit: '10',
  unauthorizedAlarmThreshold: '3',
};

describe('cdk-nag (AwsSolutions)', () => {
  it.each([
    ['the defaults', {}],
    ['everything optional on', EVERYTHING_ON],
    ['WAF only', { waf: 'true' }],
    ['execution logs and alarm e-mail only', { apiExecutionLogging: 'true', alarmEmail: 'oncall@example.com' }],
  ])('finds nothing unacknowledged with %s', (_name, context) => {
    // Prepare
    const { app } = nagApp(context);
    // Act / Assess
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges exactly these findings in the default stack', () => {
    // Prepare / Act
    const { stack } = nagApp();
    // Assess: written out, so a new acknowledgement is a deliberate one
    expect(idsOf(nagAcknowledgements(stack))).toEqual(
      [
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG3',
        'AwsSolutions-APIG4',
        'AwsSolutions-APIG6',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:lumos-connectors/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:lumos-sources/LumosWebhooks/*]',
        'AwsSolutions-SMG4',
      ].sort(),
    );
  });

  it('drops the acknowledgements whose cause is switched off: WAF, execution logs, the generated secret', () => {
    // Prepare / Act
    const { stack } = nagApp(EVERYTHING_ON);
    // Assess
    expect(idsOf(nagAcknowledgements(stack))).toEqual(
      [
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:acme/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:acme-sources/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:acme-old/*]',
      ].sort(),
    );
  });

  it('16.9 acknowledges each secret prefix for exactly the functions that read it: the connector prefix for the target-system callers, the source prefixes for the sync', () => {
    // Prepare
    const iam5 = (prefix: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`;
    const scopesOf = (acknowledgements: readonly NagAcknowledgement[], prefix: string) =>
      acknowledgements
        .filter((acknowledgement) => acknowledgement.id === iam5(prefix))
        .flatMap((acknowledgement) => acknowledgement.scopes.map((scope) => scope.node.path.split('/').slice(1).join('/')))
        .sort();
    // Act
    const everything = nagAcknowledgements(nagApp(EVERYTHING_ON).stack);
    const upgrading = nagAcknowledgements(nagApp({ legacySourceSecretPrefix: 'lumos-connectors/' }).stack);
    // Assess: the old shared prefix is acknowledged once, for its readers and the sync, while the upgrade lasts
    expect(scopesOf(everything, 'acme/')).toEqual(['DeprovisioningFunction', 'ExpirySweeperScheduled/Function', 'ProvisioningFunction']);
    expect(scopesOf(everything, 'acme-sources/')).toEqual(['StateSyncScheduled/Function']);
    expect(scopesOf(everything, 'acme-old/')).toEqual(['StateSyncScheduled/Function']);
    expect(everything.find((acknowledgement) => acknowledgement.id === iam5('acme/'))?.reason).not.toMatch(/state source|state sync may/);
    expect(upgrading.filter((acknowledgement) => acknowledgement.id === iam5('lumos-connectors/'))).toHaveLength(1);
    expect(scopesOf(upgrading, 'lumos-connectors/')).toEqual([
      'DeprovisioningFunction',
      'ExpirySweeperScheduled/Function',
      'ProvisioningFunction',
      'StateSyncScheduled/Function',
    ]);
  });

  it('gives every acknowledgement a reason and a scope', () => {
    // Prepare
    const all = [...nagAcknowledgements(nagApp().stack), ...nagAcknowledgements(nagApp(EVERYTHING_ON).stack)];
    // Act / Assess
    for (const { id, reason, scopes } of all) {
      expect(reason.length, id).toBeGreaterThan(60);
      expect(scopes.length, id).toBeGreaterThan(0);
    }
  });

  describe('without one acknowledgement', () => {
    const ids = idsOf(nagAcknowledgements(nagApp().stack));

    it.each(ids)('fails the synth on %s', (id) => {
      // Prepare
      const { app } = nagApp({}, { keepAcknowledgement: (acknowledgement) => acknowledgement.id !== id });
      // Act / Assess: the checks run, each acknowledgement is needed, and a warning (APIG3) fails too
      expect(() => app.synth()).toThrow(`Acknowledge with 'AwsSolutions::${id}'`);
    });
  });

  describe('bin/app.ts', () => {
    let outdir: string;

    beforeAll(() => {
      outdir = mkdtempSync(path.join(tmpdir(), 'webhook-nag-'));
    });

    afterAll(() => {
      rmSync(outdir, { recursive: true, force: true });
    });

    /** Runs the CDK app entry point as `cdk synth` would, and returns the acknowledged rule ids it recorded. */
    async function synthBin(): Promise<string[]> {
      const dir = path.join(outdir, 'cdk.out');
      // CDK_NAG from the calling shell must not turn the checks off here.
      const { CDK_NAG: _ignored, ...inherited } = process.env;
      await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'bin', 'app.ts')], {
        cwd: ROOT,
        env: { ...inherited, CDK_OUTDIR: dir, CDK_CONTEXT_JSON: JSON.stringify(NO_BUNDLING) },
      });
      const metadata = JSON.parse(readFileSync(path.join(dir, 'LumosWebhooks.metadata.json'), 'utf8')) as Record<
        string,
        { type: string; data?: Record<string, string> }[]
      >;
      const acknowledged = Object.values(metadata)
        .flat()
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.keys(entry.data ?? {}).map((key) => key.replace(/^Annotation::/, '')));
      return [...new Set(acknowledged)].sort();
    }

    it('runs the checks, with every acknowledgement', async () => {
      // Prepare
      const expected = idsOf(nagAcknowledgements(nagApp().stack));
      // Act
      const acknowledged = await synthBin();
      // Assess
      expect(acknowledged).toEqual(expected);
    });
  });
});
