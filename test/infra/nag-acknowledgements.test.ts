import * as path from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { appOptionsFromEnvironment, type BuildAppOptions, buildApp } from '../../lib/app';
import { type NagAcknowledgement, nagAcknowledgements } from '../../lib/nag-acknowledgements';
import { nagFailure } from '../support/infra/stack-template';

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
    // Act / Assess
    expect(nagFailure(context)).toBeNull();
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

  describe('without the acknowledgements', () => {
    const ids = idsOf(nagAcknowledgements(nagApp().stack));

    // One synth without any of them stands for one synth without each: an acknowledgement covers
    // the findings of its own rule id only, as long as no rule is acknowledged whole beside one of
    // its findings (`AwsSolutions-IAM5` would cover every `AwsSolutions-IAM5[…]`).
    it('acknowledges no rule whole beside one of its findings', () => {
      const wholeRules = new Set(ids.filter((id) => !id.includes('[')));
      expect(ids.filter((id) => id.includes('[') && wholeRules.has(id.slice(0, id.indexOf('['))))).toEqual([]);
    });

    it.each(ids)('fails the synth on %s', (id) => {
      // Act / Assess: the checks run, each acknowledgement is needed, and a warning (APIG3) fails too
      expect(nagFailure({}, { acknowledged: false })).toContain(`Acknowledge with 'AwsSolutions::${id}'`);
    });
  });

  describe('bin/app.ts', () => {
    /** The rule ids an app's constructs record as acknowledged, which `cdk synth` writes to the cloud assembly. */
    function acknowledgedIn(stack: Stack): string[] {
      const entries = stack.node.findAll().flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules'));
      const acknowledged = entries.flatMap((entry) => Object.keys((entry.data ?? {}) as Record<string, string>).map((key) => key.replace(/^Annotation::/, '')));
      return [...new Set(acknowledged)].sort();
    }

    it('runs the checks unless CDK_NAG=0, with every acknowledgement', () => {
      // Prepare: the options bin/app.ts takes from an environment without CDK_NAG
      const options = appOptionsFromEnvironment({}, path.join(ROOT, 'dist'));
      const expected = idsOf(nagAcknowledgements(nagApp().stack));
      // Act
      const { stack } = buildApp({ ...options, context: NO_BUNDLING });
      // Assess: the checks themselves run on such an app in the tests above
      expect(options).toEqual({ nag: true, prebundledDir: undefined });
      expect(acknowledgedIn(stack)).toEqual(expected);
      expect(appOptionsFromEnvironment({ CDK_NAG: '0' }, path.join(ROOT, 'dist')).nag).toBe(false);
      expect(appOptionsFromEnvironment({ PREBUNDLED: '1' }, path.join(ROOT, 'dist')).prebundledDir).toBe(path.join(ROOT, 'dist'));
    });
  });
});
