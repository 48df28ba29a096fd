/** Alarm notifications (lib/alarm-topic.ts): off without alarmEmail; with it, one e-mail subscription on an encrypted topic. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALARM_COUNT, alarmsOf } from '../support/infra/alarms';
import { onlyLogicalId, propertiesOf, type Synthesized, synthContext } from '../support/infra/stack-template';

describe('alarms', () => {
  let defaults: Synthesized;
  let notified: Synthesized;

  beforeAll(() => {
    defaults = synthContext();
    notified = synthContext({ alarmEmail: 'oncall@example.com' });
  });

  describe('notifications', () => {
    it('are off without alarmEmail: no topic, no subscription, no alarm action', () => {
      // Prepare / Act
      const { template } = defaults;
      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      for (const alarm of alarmsOf(template)) expect(alarm).not.toHaveProperty('AlarmActions');
    });

    it('go to one e-mail subscription with alarmEmail, from every alarm', () => {
      // Prepare
      const { template } = notified;
      const topicId = onlyLogicalId(template, 'AWS::SNS::Topic');
      // Act
      const subscription = propertiesOf(template, 'AWS::SNS::Subscription', onlyLogicalId(template, 'AWS::SNS::Subscription'));
      const alarms = alarmsOf(template);
      // Assess
      expect(subscription).toEqual({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } });
      expect(alarms).toHaveLength(ALARM_COUNT);
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    });

    it('travel encrypted under a rotated key CloudWatch may use, over HTTPS only', () => {
      // Prepare
      const { template } = notified;
      const keyId = onlyLogicalId(template, 'AWS::KMS::Key');
      const topicId = onlyLogicalId(template, 'AWS::SNS::Topic');
      // Act
      const key = propertiesOf(template, 'AWS::KMS::Key', keyId);
      const topic = propertiesOf(template, 'AWS::SNS::Topic', topicId);
      const topicPolicy = JSON.stringify(propertiesOf(template, 'AWS::SNS::TopicPolicy', onlyLogicalId(template, 'AWS::SNS::TopicPolicy')));
      const keyPolicy = JSON.stringify(key.KeyPolicy);
      // Assess
      expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(key.EnableKeyRotation).toBe(true);
      expect(keyPolicy).toContain(
        '{"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Condition":{"StringEquals":{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}},"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"}',
      );
      expect(topicPolicy).toContain('"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Effect":"Deny"');
      expect(topicPolicy).toContain(
        '"Condition":{"StringEquals":{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}},"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"}',
      );
    });

    it('refuse an alarmEmail that is no e-mail address', () => {
      // Prepare / Act / Assess
      expect(() => synthContext({ alarmEmail: 'oncall' })).toThrow('context alarmEmail must be an e-mail address');
    });
  });
});
