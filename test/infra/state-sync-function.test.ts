/**
 * The state sync in the stack: an EventBridge rule runs it every `stateSyncMinutes`; its own role
 * may query and batch-read the state table's partitions it works in, put, update and delete only
 * in the partitions it owns, and read its sources' secrets under the source secret prefix (never
 * a connector secret), nothing else (no token, no other table, no batch write); it alarms on
 * failed runs and on a source failing or stale; cdk-nag passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { STATE_TABLE } from '../../src/store/table-definitions';
import { alarmsOf } from '../support/infra/alarms';
import { connectorPair, sourceSecretsPair, syncStatePairs } from '../support/infra/expectations';
import {
  arnOf,
  functionLogicalId,
  functionProperties,
  grantedPairs,
  nagFailure,
  ownLogPairs,
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
    it('16.9 has time for a run of every source, the state table and the source secret prefix, no connector prefix and no token', () => {
      // Prepare / Act
      const fn = functionProperties(defaults, SYNC);
      const variables = variablesOf(custom, SYNC);
      // Assess
      expect(fn).toEqual(expect.objectContaining({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 120 }));
      expect(Object.keys(variables).sort()).toEqual(['METRICS_NAMESPACE', 'SOURCE_SECRET_PREFIX', 'STATE_TABLE']);
      expect(variables).toEqual(
        expect.objectContaining({ SOURCE_SECRET_PREFIX: 'lumos-sources/LumosWebhooks/', METRICS_NAMESPACE: 'LumosWebhooks/LumosWebhooks' }),
      );
    });

    it('16.9 may read the partitions it works in and put, update and delete only in those it owns, read source secrets under their prefix, and nothing else', () => {
      // Prepare
      const state = arnOf(tableLogicalId(custom.template, STATE_TABLE));
      // Act
      const pairs = grantedPairs(custom, SYNC);
      // Assess: written out action by action, as a reviewer reads them; no BatchWriteItem, no connector secret
      expect(pairs).toEqual([...syncStatePairs(state), sourceSecretsPair('lumos-sources/LumosWebhooks/'), ...ownLogPairs(custom, SYNC)].sort());
      expect(pairs.map((granted) => granted.split(' on ')[0])).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^dynamodb:(BatchWriteItem|GetItem|Scan)$/)]),
      );
      expect(pairs).not.toContain(connectorPair('acme/'));
    });

    it('16.9 follows sourceSecretPrefix in both the ARN and the environment', () => {
      // Prepare
      const acme = synthContext({ sourceSecretPrefix: 'acme-sources/' });
      // Act
      const secretPairs = grantedPairs(acme, SYNC).filter((granted) => granted.startsWith('secretsmanager:'));
      // Assess
      expect(secretPairs).toEqual([sourceSecretsPair('acme-sources/')]);
      expect(variablesOf(acme, SYNC).SOURCE_SECRET_PREFIX).toBe('acme-sources/');
    });

    it("16.9 reads its sources' secrets under lumos-sources/<stackName>/ by default, the stack name taken literally, and no connector secret", () => {
      // Prepare
      const staging = synthContext({ stackName: 'Staging-Lumos' });
      // Act
      const secretPairs = (synthesized: Synthesized) => grantedPairs(synthesized, SYNC).filter((granted) => granted.startsWith('secretsmanager:'));
      // Assess
      expect(secretPairs(defaults)).toEqual([sourceSecretsPair('lumos-sources/LumosWebhooks/')]);
      expect(secretPairs(staging)).toEqual([sourceSecretsPair('lumos-sources/Staging-Lumos/')]);
      expect(variablesOf(staging, SYNC).SOURCE_SECRET_PREFIX).toBe('lumos-sources/Staging-Lumos/');
      expect(variablesOf(defaults, SYNC)).not.toHaveProperty('CONNECTOR_SECRET_PREFIX');
    });

    it('16.9 with legacySourceSecretPrefix, also reads secrets under the old prefix and is told it, nothing else changed', () => {
      // Prepare
      const upgrading = synthContext({ legacySourceSecretPrefix: 'lumos-connectors/' });
      // Act
      const pairs = grantedPairs(upgrading, SYNC);
      const variables = variablesOf(upgrading, SYNC);
      // Assess
      expect(pairs).toEqual([...grantedPairs(defaults, SYNC), sourceSecretsPair('lumos-connectors/')].sort());
      expect(variables).toEqual({ ...variablesOf(defaults, SYNC), LEGACY_SOURCE_SECRET_PREFIX: 'lumos-connectors/' });
      for (const other of ['provisioning', 'deprovisioning', 'expiry-sweeper', 'pre-approval', 'request-validation']) {
        expect(grantedPairs(upgrading, other), other).toEqual(grantedPairs(defaults, other));
      }
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
    it('16.9 passes the AwsSolutions checks, the source-secret wildcard acknowledged for the sync alone, with and without the legacy prefix', () => {
      // Act
      const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, nag: true });
      // Assess
      expect(stack.sourceSecretReaders.map((reader) => reader.slug)).toEqual([SYNC]);
      expect(stack.connectorSecretReaders.map((reader) => reader.slug)).not.toContain(SYNC);
      expect(nagFailure()).toBeNull();
      expect(nagFailure({ legacySourceSecretPrefix: 'lumos-connectors/' })).toBeNull();
      expect(nagFailure({ legacySourceSecretPrefix: 'old-sources/' })).toBeNull();
    });
  });
});
