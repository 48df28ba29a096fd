/** The alarms the default stack must have, written out, and how to read them from a template. */
import type { Template } from 'aws-cdk-lib/assertions';
import type { MetricName } from '../../../src/audit/call-metrics';
import { KINDS, SCHEDULED_SLUGS } from './expectations';
import type { Resources } from './stack-template';

/**
 * The alarms on the functions' own (EMF) metrics, per kind: every kind on checks that could not
 * run; the kinds that read rules on invalid rules in scope; the kinds that call target systems
 * on their failures.
 */
export const EMF_ALARMS: Record<string, { metric: MetricName; suffix: string }[]> = {
  'pre-approval': [
    { metric: 'Failures', suffix: 'failures' },
    { metric: 'InvalidRulesInScope', suffix: 'invalid-rules' },
  ],
  'request-validation': [
    { metric: 'Failures', suffix: 'failures' },
    { metric: 'InvalidRulesInScope', suffix: 'invalid-rules' },
  ],
  provisioning: [
    { metric: 'Failures', suffix: 'failures' },
    { metric: 'InvalidRulesInScope', suffix: 'invalid-rules' },
    { metric: 'ProvisioningFailures', suffix: 'target-failures' },
  ],
  deprovisioning: [
    { metric: 'Failures', suffix: 'failures' },
    { metric: 'Refused', suffix: 'refused-payload' },
    { metric: 'ProvisioningFailures', suffix: 'target-failures' },
  ],
};
/**
 * The alarms of each scheduled function: its errors; for the expiry sweeper the access outliving
 * its expiry, for the state sync a source failing or stale and schedules not read whole.
 */
export const SCHEDULED_ALARMS: Record<string, string[]> = {
  'expiry-sweeper': ['errors', 'overdue-grants'],
  'state-sync': ['errors', 'sources-stale', 'schedules-incomplete'],
};
/** Three Lambda alarms per webhook function, the EMF alarms, the scheduled functions', two for the API. */
export const ALARM_COUNT =
  KINDS.length * 3 + Object.values(EMF_ALARMS).flat().length + SCHEDULED_SLUGS.flatMap((slug) => SCHEDULED_ALARMS[slug] ?? []).length + 2;

export type Properties = Record<string, unknown>;

/** Every alarm's properties. */
export function alarmsOf(template: Template): Properties[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources).map((alarm) => alarm.Properties ?? {});
}
