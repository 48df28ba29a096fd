/**
 * The alarms (lib/webhook-alarms.ts): three per function on its Lambda metrics, those on the
 * functions' own metrics, two on the API's access logs, each telling on-call what to do.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_DIMENSIONS, type MetricName } from '../../src/audit/call-metrics';
import { ALARM_COUNT, alarmsOf, EMF_ALARMS, type Properties } from '../support/infra/alarms';
import { KINDS } from '../support/infra/expectations';
import {
  accessLogSetting,
  functionLogicalId,
  functionProperties,
  type Resources,
  type Synthesized,
  synthContext,
  variablesOf,
} from '../support/infra/stack-template';

/** The metrics namespace of the default stack name. */
const NAMESPACE = 'LumosWebhooks/LumosWebhooks';

/** The one alarm on a Lambda metric of one kind's function. */
function functionAlarm(synthesized: Synthesized, kind: string, metricName: string): Properties {
  const dimensions = [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(synthesized, kind) } }];
  const matching = alarmsOf(synthesized.template).filter(
    (alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === metricName && JSON.stringify(alarm.Dimensions) === JSON.stringify(dimensions),
  );
  expect(matching, `one ${metricName} alarm for ${kind}`).toHaveLength(1);
  return matching[0] ?? {};
}

/** The alarms on one kind's EMF metrics, found by the `kind` dimension the functions publish. */
function emfAlarmsOf(template: Template, kind: string): Properties[] {
  const value = kind.replaceAll('-', '_');
  return alarmsOf(template).filter((alarm) =>
    ((alarm.Dimensions ?? []) as { Name: string; Value: unknown }[]).some((dimension) => dimension.Name === 'kind' && dimension.Value === value),
  );
}

/** The metric filter counting one metric, and the one alarm on that metric. */
function accessLogAlarm(template: Template, metricName: string): { filter: Properties; alarm: Properties } {
  const filters = Object.values(template.findResources('AWS::Logs::MetricFilter') as Resources)
    .map((filter) => filter.Properties ?? {})
    .filter((filter) => JSON.stringify(filter.MetricTransformations).includes(`"MetricName":"${metricName}"`));
  expect(filters, `one filter for ${metricName}`).toHaveLength(1);
  const filter = filters[0] ?? {};
  const [transformation] = filter.MetricTransformations as { MetricNamespace: string; MetricValue: string }[];
  const alarms = alarmsOf(template).filter((alarm) => alarm.MetricName === metricName && alarm.Namespace === transformation?.MetricNamespace);
  expect(alarms, `one alarm on ${metricName}`).toHaveLength(1);
  expect(transformation?.MetricValue).toBe('1');
  return { filter, alarm: alarms[0] ?? {} };
}

/** The logical id of the stage's access log group. */
function accessLogGroupId(template: Template): string {
  const destination = accessLogSetting(template).DestinationArn as { 'Fn::GetAtt': [string, string] };
  return destination['Fn::GetAtt'][0];
}

/** The fields of the stage's JSON access log lines. */
function accessLogFields(template: Template): string[] {
  return Object.keys(JSON.parse(accessLogSetting(template).Format ?? '{}') as object);
}

/** Every 5-minute, single-period alarm that stays quiet without data. */
const QUIET_WITHOUT_DATA = { Period: 300, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' };

describe('alarms', () => {
  let defaults: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
  });

  it("are three per function, those on the functions' own metrics, and two for the API", () => {
    // Prepare / Act / Assess
    defaults.template.resourceCountIs('AWS::CloudWatch::Alarm', ALARM_COUNT);
  });

  describe.each(KINDS)('%s function', (kind) => {
    it('alarms on any error in 5 minutes', () => {
      // Prepare / Act
      const alarm = functionAlarm(defaults, kind, 'Errors');
      // Assess
      expect(alarm).toEqual(expect.objectContaining({ ...QUIET_WITHOUT_DATA, Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }));
    });

    it('alarms on any throttle in 5 minutes', () => {
      // Prepare / Act
      const alarm = functionAlarm(defaults, kind, 'Throttles');
      // Assess
      expect(alarm).toEqual(expect.objectContaining({ ...QUIET_WITHOUT_DATA, Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }));
    });

    it('alarms when the p99 duration passes 8 s, near the timeout', () => {
      // Prepare
      const timeoutMs = (functionProperties(defaults, kind).Timeout as number) * 1000;
      // Act
      const alarm = functionAlarm(defaults, kind, 'Duration');
      // Assess
      expect(alarm).toEqual(
        expect.objectContaining({ ...QUIET_WITHOUT_DATA, ExtendedStatistic: 'p99', Threshold: 8000, ComparisonOperator: 'GreaterThanThreshold' }),
      );
      expect(alarm.Threshold).toBeLessThan(timeoutMs);
      expect(alarm.Threshold).toBeGreaterThanOrEqual(timeoutMs * 0.7);
    });
  });

  describe.each(KINDS)("%s function's own metrics", (kind) => {
    it("are published to the deployment's namespace, named in the function's environment", () => {
      // Prepare / Act
      const variables = variablesOf(defaults, kind);
      // Assess
      expect(variables.METRICS_NAMESPACE).toBe(NAMESPACE);
      expect(variablesOf(synthContext({ stackName: 'Staging' }), kind).METRICS_NAMESPACE).toBe('LumosWebhooks/Staging');
    });

    it('are alarmed on exactly these metrics, by the kind alone', () => {
      // Prepare
      const expected = (EMF_ALARMS[kind] ?? []).map(({ metric }) => metric).sort();
      // Act
      const alarms = emfAlarmsOf(defaults.template, kind);
      // Assess
      expect(alarms.map((alarm) => alarm.MetricName).sort()).toEqual(expected);
    });

    it.each(EMF_ALARMS[kind] ?? [])('alarms on any $metric in 5 minutes', ({ metric, suffix }) => {
      // Prepare / Act
      const [alarm] = emfAlarmsOf(defaults.template, kind).filter((candidate) => candidate.MetricName === metric);
      // Assess
      expect(alarm).toEqual(
        expect.objectContaining({
          ...QUIET_WITHOUT_DATA,
          AlarmName: `LumosWebhooks-${kind}-${suffix}`,
          Namespace: NAMESPACE,
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
    });

    it('select a dimension set the functions publish', () => {
      // Prepare / Act
      const alarms = emfAlarmsOf(defaults.template, kind);
      // Assess
      for (const alarm of alarms) {
        const published = METRIC_DIMENSIONS[alarm.MetricName as MetricName].map((set) => JSON.stringify([...set].sort()));
        const used = JSON.stringify((alarm.Dimensions as { Name: string }[]).map((dimension) => dimension.Name).sort());
        expect(published).toContain(used);
      }
    });

    if (kind === 'deprovisioning') {
      it('alarms on a deprovisioning refused as unusable, since the access then stays in place', () => {
        const [alarm] = emfAlarmsOf(defaults.template, kind).filter((candidate) => candidate.MetricName === 'Refused');
        expect(alarm?.Dimensions).toEqual(expect.arrayContaining([{ Name: 'reason', Value: 'invalid_payload' }]));
        expect(String(alarm?.AlarmDescription)).toMatch(/422.*still in place.*Remove the access by hand/);
      });
    }

    it('tell on-call what happened and what to do', () => {
      // Prepare / Act
      const descriptions: Record<string, string> = Object.fromEntries(
        emfAlarmsOf(defaults.template, kind).map((alarm) => [alarm.MetricName, String(alarm.AlarmDescription)]),
      );
      // Assess
      expect(descriptions.Failures).toMatch(/could not run: .*webhook call failed.*store_unavailable.*credential_store_unavailable.*misconfigured/);
      if (descriptions.InvalidRulesInScope !== undefined) {
        expect(descriptions.InvalidRulesInScope).toMatch(/rule item that fails validation.*outcome "invalid".*Fix the item in the rules table/);
      }
      if (descriptions.ProvisioningFailures !== undefined) {
        expect(descriptions.ProvisioningFailures).toMatch(/target system failed.*by kind and system.*Fix the target system/);
      }
      for (const description of Object.values(descriptions)) expect(description.length).toBeLessThanOrEqual(1024);
    });
  });

  describe('API', () => {
    it("counts unexpected 5xx: API Gateway error responses and integration errors, not the contract's own 502 replies", () => {
      // Prepare
      const { template } = defaults;
      // Act
      const { filter, alarm } = accessLogAlarm(template, 'Unexpected5xx');
      // Assess
      expect(filter.LogGroupName).toEqual({ Ref: accessLogGroupId(template) });
      expect(filter.FilterPattern).toBe('{ ($.status = "5*") && (($.errorResponseType != "-") || ($.integrationError != "-")) }');
      expect(alarm).toEqual(expect.objectContaining({ ...QUIET_WITHOUT_DATA, Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }));
    });

    it('alarms on 20 or more 401 replies in 5 minutes', () => {
      // Prepare
      const { template } = defaults;
      // Act
      const { filter, alarm } = accessLogAlarm(template, 'Unauthorized');
      // Assess
      expect(filter.LogGroupName).toEqual({ Ref: accessLogGroupId(template) });
      expect(filter.FilterPattern).toBe('{ $.status = "401" }');
      expect(alarm).toEqual(
        expect.objectContaining({ ...QUIET_WITHOUT_DATA, Statistic: 'Sum', Threshold: 20, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
      );
    });

    it('follows unauthorizedAlarmThreshold', () => {
      // Prepare / Act
      const { alarm } = accessLogAlarm(synthContext({ unauthorizedAlarmThreshold: '5' }).template, 'Unauthorized');
      // Assess
      expect(alarm.Threshold).toBe(5);
      expect(() => synthContext({ unauthorizedAlarmThreshold: '0' })).toThrow('context unauthorizedAlarmThreshold must be a whole number from 1');
    });

    it('filters only on fields the access log lines have', () => {
      // Prepare
      const { template } = defaults;
      const fields = accessLogFields(template);
      // Act
      const patterns = Object.values(template.findResources('AWS::Logs::MetricFilter') as Resources).map((filter) => String(filter.Properties?.FilterPattern));
      const used = patterns.flatMap((pattern) => [...pattern.matchAll(/\$\.(\w+)/g)].map((match) => match[1]));
      // Assess
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((field) => !fields.includes(field ?? ''))).toEqual([]);
    });
  });
});
