/**
 * The state sync in the stack: an EventBridge rule runs it every `stateSyncMinutes`; its own role
 * may query, batch-read, batch-write, conditionally delete and update items of the state table and
 * read connector secrets under the prefix, nothing else (no token, no other table); it alarms on
 * failed runs and on a source failing or stale; cdk-nag passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { STATE_TABLE } from '../../src/store/table-definitions';
import { alarmsOf } from '../support/infra/alarms';
import { connectorPair } from '../support/infra/expectations';
import {
  arnOf,
  functionLogicalId,
  functionProperties,
  grantedPairs,
  ownLogPairs,
  pair,
  type Synthesized,
  scheduleInvoking,
  synthContext,
  tableLogicalId,
  variablesOf,
} from '../support/infra/stack-template';

const SYNC = 'state-sync';

describe('state sync', () => {
  let defaults: Synthesized;
  let custom: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
    custom = synthContext({ stateSyncMinutes: '15', connectorSecretPrefix: 'acme/' });
  });

  describe('schedule', () => {
    it('runs every 5 minutes by default, and every stateSyncMinutes when set, whatever sweepMinutes says', () => {
      // Prepare
      const slowSweep = synthContext({ sweepMinutes: '60' });
      // Act
      const byDefault = scheduleInvoking(defaults, SYNC);
      const set = scheduleInvoking(custom, SYNC);
      const besideSlowSweep = scheduleInvoking(slowSweep, SYNC);
      // Assess
      expect(byDefault.ScheduleExpression).toBe('rate(5 minutes)');
      expect(set.ScheduleExpression).toBe('rate(15 minutes)');
      expect(besideSlowSweep.ScheduleExpression).toBe('rate(5 minutes)');
      expect(byDefault.Targets).toEqual([expect.objectContaining({ Arn: arnOf(functionLogicalId(defaults, SYNC)), RetryPolicy: { MaximumRetryAttempts: 0 } })]);
    });

    it('refuses a stateSyncMinutes that is not a whole number from 1 to 1440', () => {
      // Act / Assess
      for (const value of ['0', '2.5', 'often', '1441']) {
        expect(() => buildApp({ context: { 'aws:cdk:bundling-stacks': [], stateSyncMinutes: value } })).toThrow(
          'context stateSyncMinutes must be a whole number from 1 to 1440',
        );
      }
    });
  });

  describe('function', () => {
    it('has time for a run of every source, the state table and the connector prefix, and no token', () => {
      // Prepare / Act
      const fn = functionProperties(defaults, SYNC);
      const variables = variablesOf(custom, SYNC);
      // Assess
      expect(fn).toEqual(expect.objectContaining({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 120 }));
      expect(Object.keys(variables).sort()).toEqual(['CONNECTOR_SECRET_PREFIX', 'METRICS_NAMESPACE', 'STATE_TABLE']);
      expect(variables).toEqual(expect.objectContaining({ CONNECTOR_SECRET_PREFIX: 'acme/', METRICS_NAMESPACE: 'LumosWebhooks/LumosWebhooks' }));
    });

    it('may query, batch-read, batch-write, delete and update state items, read connector secrets under the prefix, and nothing else', () => {
      // Prepare
      const state = arnOf(tableLogicalId(custom.template, STATE_TABLE));
      // Act
      const pairs = grantedPairs(custom, SYNC);
      // Assess: written out action by action, as a reviewer reads them
      expect(pairs).toEqual(
        [
          ...['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'].map((action) =>
            pair(action, state),
          ),
          connectorPair('acme/'),
          ...ownLogPairs(custom, SYNC),
        ].sort(),
      );
    });
  });

  describe('alarms', () => {
    it('alarms when a source stays stale for 15 minutes, saying where to look', () => {
      // Prepare / Act
      const stale = alarmsOf(defaults.template).filter((alarm) => alarm.MetricName === 'SourcesStale');
      const slower = alarmsOf(custom.template).filter((alarm) => alarm.MetricName === 'SourcesStale');
      // Assess
      expect(stale).toEqual([
        expect.objectContaining({
          Namespace: 'LumosWebhooks/LumosWebhooks',
          Dimensions: [{ Name: 'kind', Value: 'state_sync' }],
          Statistic: 'Minimum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Period: 300,
          EvaluationPeriods: 3,
          TreatMissingData: 'notBreaching',
        }),
      ]);
      expect(slower).toEqual([expect.objectContaining({ Period: 900, EvaluationPeriods: 1 })]);
      expect(String(stale[0]?.AlarmDescription)).toMatch(/stale_after.*source-status.*operations\.md/);
    });

    it('16.1 alarms after 3 runs in a row that could not read some schedule whole, one period per run', () => {
      // Prepare / Act
      const incomplete = alarmsOf(defaults.template).filter((alarm) => alarm.MetricName === 'SchedulesIncomplete');
      const slower = alarmsOf(custom.template).filter((alarm) => alarm.MetricName === 'SchedulesIncomplete');
      // Assess
      expect(incomplete).toEqual([
        expect.objectContaining({
          Dimensions: [{ Name: 'kind', Value: 'state_sync' }],
          Statistic: 'Minimum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Period: 300,
          EvaluationPeriods: 3,
          TreatMissingData: 'notBreaching',
        }),
      ]);
      expect(slower).toEqual([expect.objectContaining({ Period: 900, EvaluationPeriods: 3 })]);
      expect(String(incomplete[0]?.AlarmDescription)).toMatch(/lumos-state sources.*operations\.md/);
    });

    it('alarms on a failed run, over a period no shorter than the interval', () => {
      // Prepare
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(custom, SYNC) } }];
      // Act
      const errors = alarmsOf(custom.template).filter(
        (alarm) => alarm.MetricName === 'Errors' && JSON.stringify(alarm.Dimensions) === JSON.stringify(dimensions),
      );
      // Assess
      expect(errors).toEqual([expect.objectContaining({ Statistic: 'Sum', Threshold: 0, Period: 900 })]);
    });
  });

  describe('cdk-nag', () => {
    it('passes the AwsSolutions checks, the connector-secret wildcard acknowledged for the sync with its reason', () => {
      // Act
      const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, nag: true });
      const synthesize = () => buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, nag: true }).app.synth();
      // Assess
      expect(stack.connectorSecretReaders.map((reader) => reader.slug)).toContain(SYNC);
      expect(synthesize).not.toThrow();
    });
  });
});
