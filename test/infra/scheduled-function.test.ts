/**
 * The expiry sweeper in the stack (lib/scheduled-function.ts): an EventBridge rule runs it every
 * `sweepMinutes`; its own role may read and write grants and query their `due` index, read
 * connector secrets under the prefix and append audit items, nothing else (no token, no rules);
 * it alarms on failed runs and on access outliving its expiry; cdk-nag passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { AUDIT_TABLE, GRANTS_TABLE } from '../../src/store/table-definitions';
import { alarmsOf } from '../support/infra/alarms';
import { connectorPair } from '../support/infra/expectations';
import {
  arnOf,
  functionLogicalId,
  functionProperties,
  grantedPairs,
  nagFailure,
  ownLogPairs,
  pair,
  type Synthesized,
  scheduleInvoking,
  synthContext,
  tableLogicalId,
  variablesOf,
} from '../support/infra/stack-template';

const SWEEPER = 'expiry-sweeper';

/** The one schedule rule invoking the sweeper, with its properties. */
function scheduleOf(synthesized: Synthesized): Record<string, unknown> {
  return scheduleInvoking(synthesized, SWEEPER);
}

describe('expiry sweeper', () => {
  let defaults: Synthesized;
  let hourly: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
    hourly = synthContext({ sweepMinutes: '60' });
  });

  describe('schedule', () => {
    it('runs every 5 minutes by default, and every sweepMinutes when set', () => {
      // Prepare / Act
      const byDefault = scheduleOf(defaults);
      const set = scheduleOf(hourly);
      // Assess
      expect(byDefault.ScheduleExpression).toBe('rate(5 minutes)');
      expect(set.ScheduleExpression).toBe('rate(1 hour)');
    });

    it('invokes the sweeper function, and only it', () => {
      // Prepare
      const sweeper = functionLogicalId(defaults, SWEEPER);
      // Act
      const { Targets } = scheduleOf(defaults) as { Targets: { Arn: unknown }[] };
      const permissions = Object.values(defaults.template.findResources('AWS::Lambda::Permission')).map(
        (resource) => (resource as { Properties: Record<string, unknown> }).Properties,
      );
      // Assess
      expect(Targets.map((target) => target.Arn)).toEqual([arnOf(sweeper)]);
      expect(
        permissions.filter(
          (permission) => permission.Principal === 'events.amazonaws.com' && JSON.stringify(permission.FunctionName) === JSON.stringify(arnOf(sweeper)),
        ),
      ).toEqual([expect.objectContaining({ Action: 'lambda:InvokeFunction' })]);
    });

    it('refuses a sweepMinutes that is not a whole number from 1 to 1440', () => {
      // Act / Assess
      for (const value of ['0', '1.5', 'soon', '1441']) {
        expect(() => buildApp({ context: { 'aws:cdk:bundling-stacks': [], sweepMinutes: value } })).toThrow(
          'context sweepMinutes must be a whole number from 1 to 1440',
        );
      }
    });
  });

  describe('function', () => {
    it('has time for a run of many grants, and no token', () => {
      // Prepare / Act
      const fn = functionProperties(defaults, SWEEPER);
      const variables = variablesOf(defaults, SWEEPER);
      // Assess
      expect(fn).toEqual(expect.objectContaining({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 120 }));
      expect(variables).not.toHaveProperty('TOKEN_SECRET_ID');
      expect(variables).not.toHaveProperty('AUTH_HEADER');
      expect(variables).toEqual(expect.objectContaining({ CONNECTOR_SECRET_PREFIX: 'lumos-connectors/', METRICS_NAMESPACE: 'LumosWebhooks/LumosWebhooks' }));
    });

    it('may read and write grants and query their due index, read connector secrets, append audit items, and nothing else', () => {
      // Prepare
      const grants = arnOf(tableLogicalId(defaults.template, GRANTS_TABLE));
      const audit = arnOf(tableLogicalId(defaults.template, AUDIT_TABLE));
      const due = { 'Fn::Join': ['', [grants, '/index/due']] };
      // Act
      const pairs = grantedPairs(defaults, SWEEPER);
      // Assess: written out action by action, as a reviewer reads them
      expect(pairs).toEqual(
        [
          ...['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'].flatMap((action) => [pair(action, grants), pair(action, due)]),
          pair('dynamodb:PutItem', audit),
          connectorPair('lumos-connectors/'),
          ...ownLogPairs(defaults, SWEEPER),
        ].sort(),
      );
    });
    it("16.9 reads connector secrets only: never the sources' secrets, whose prefix it is neither granted nor told", () => {
      // Prepare: the default stack, and one whose sources' secrets are still under the old shared prefix
      const upgrading = synthContext({ legacySourceSecretPrefix: 'lumos-connectors/' });
      for (const synthesized of [defaults, upgrading]) {
        const { sourceSecretPrefix } = synthesized.stack;
        // Act
        const secretPairs = grantedPairs(synthesized, SWEEPER).filter((granted) => granted.startsWith('secretsmanager:'));
        const variables = variablesOf(synthesized, SWEEPER);
        // Assess
        expect(sourceSecretPrefix).toBe('lumos-sources/LumosWebhooks/');
        expect(secretPairs).toEqual([connectorPair('lumos-connectors/')]);
        expect(secretPairs.join('\n')).not.toContain(`:secret:${sourceSecretPrefix}`);
        expect(variables).not.toHaveProperty('SOURCE_SECRET_PREFIX');
        expect(variables).not.toHaveProperty('LEGACY_SOURCE_SECRET_PREFIX');
      }
    });
  });

  describe('alarms', () => {
    it('alarms when a grant is still in place more than 30 minutes after its expiry, saying what to do', () => {
      // Prepare / Act
      const overdue = alarmsOf(defaults.template).filter((alarm) => alarm.MetricName === 'OverdueGrants');
      // Assess
      expect(overdue).toEqual([
        expect.objectContaining({
          Namespace: 'LumosWebhooks/LumosWebhooks',
          Dimensions: [{ Name: 'kind', Value: 'expiry_sweeper' }],
          Statistic: 'Maximum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          Period: 300,
          TreatMissingData: 'notBreaching',
        }),
      ]);
      expect(overdue[0]?.AlarmDescription).toContain('lumos-state grants --pending');
    });

    it('alarms on a failed run, over a period no shorter than the interval', () => {
      // Prepare
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(hourly, SWEEPER) } }];
      // Act
      const errors = alarmsOf(hourly.template).filter(
        (alarm) => alarm.MetricName === 'Errors' && JSON.stringify(alarm.Dimensions) === JSON.stringify(dimensions),
      );
      // Assess
      expect(errors).toEqual([expect.objectContaining({ Statistic: 'Sum', Threshold: 0, Period: 3600 })]);
    });
  });

  describe('cdk-nag', () => {
    it('passes the AwsSolutions checks, the connector-secret wildcard acknowledged for the sweeper with its reason', () => {
      // Act
      const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, nag: true });
      // Assess
      expect(stack.connectorSecretReaders.map((reader) => reader.slug)).toContain(SWEEPER);
      expect(nagFailure()).toBeNull();
    });
  });
});
