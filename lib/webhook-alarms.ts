import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** 401s in 5 minutes that look like someone guessing the token rather than a rotation gone wrong. */
export const DEFAULT_UNAUTHORIZED_ALARM_THRESHOLD = 20;
/** A duration alarm fires at this share of the timeout: the handler's own ~8 s deadline should have answered by then. */
const DURATION_ALARM_SHARE = 0.8;
const PERIOD = Duration.minutes(5);

export interface AlarmedFunction {
  readonly kind: string;
  readonly function: lambda.Function;
  readonly timeout: Duration;
}

export interface WebhookAlarmsProps {
  readonly functions: readonly AlarmedFunction[];
  /** The API's JSON access log group (lib/webhook-api.ts), which the API alarms count lines of. */
  readonly accessLogs: logs.ILogGroup;
  readonly unauthorizedThreshold: number;
  /** Alarms notify it when given. */
  readonly topic?: sns.ITopic;
}

/**
 * 5xx responses API Gateway made itself: the function crashed or timed out, or API Gateway
 * failed. The contract's deliberate 502 replies (a failing target system) come from the function
 * with a body, so API Gateway logs no error response type and no integration error for them.
 */
export const UNEXPECTED_5XX_PATTERN = logs.FilterPattern.all(
  logs.FilterPattern.stringValue('$.status', '=', '5*'),
  logs.FilterPattern.any(
    logs.FilterPattern.stringValue('$.errorResponseType', '!=', '-'),
    logs.FilterPattern.stringValue('$.integrationError', '!=', '-'),
  ),
);
export const UNAUTHORIZED_PATTERN = logs.FilterPattern.stringValue('$.status', '=', '401');

/**
 * What someone should hear about: per function errors, throttles and durations near the timeout;
 * for the API, unexpected 5xx and a spike of 401s. No data (no traffic) is not an alarm.
 */
export class WebhookAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly stackName: string;

  constructor(scope: Construct, id: string, private readonly props: WebhookAlarmsProps) {
    super(scope, id);
    this.stackName = Stack.of(this).stackName;
    for (const alarmed of props.functions) this.alarmFunction(alarmed);
    this.alarmApi();
  }

  private alarmFunction({ kind, function: fn, timeout }: AlarmedFunction): void {
    this.alarm(`${kind}-errors`, {
      metric: fn.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `The ${kind} function failed (an unhandled error or a timeout): Lumos got no contract reply. See its log group.`,
    });
    this.alarm(`${kind}-throttles`, {
      metric: fn.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `Lambda throttled the ${kind} function: the account's concurrency (or the reserved concurrency) ran out.`,
    });
    this.alarm(`${kind}-duration`, {
      metric: fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.p(99) }),
      threshold: timeout.toMilliseconds() * DURATION_ALARM_SHARE,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `The ${kind} function's p99 duration is near its ${timeout.toSeconds()} s timeout: a table or target system is slow.`,
    });
  }

  private alarmApi(): void {
    this.alarm('api-unexpected-5xx', {
      metric: this.countOf('Unexpected5xx', UNEXPECTED_5XX_PATTERN),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'API Gateway answered 5xx itself (function crash or timeout, or a gateway failure), not a contract reply.',
    });
    this.alarm('api-unauthorized', {
      metric: this.countOf('Unauthorized', UNAUTHORIZED_PATTERN),
      threshold: this.props.unauthorizedThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `${this.props.unauthorizedThreshold} or more 401 replies in 5 minutes: a wrong token in Lumos, or someone guessing.`,
    });
  }

  /** The number of access log lines matching the pattern, per 5 minutes. */
  private countOf(metricName: string, filterPattern: logs.IFilterPattern): cloudwatch.Metric {
    const filter = new logs.MetricFilter(this, `${metricName}Filter`, {
      logGroup: this.props.accessLogs,
      filterPattern,
      metricNamespace: `LumosWebhooks/${this.stackName}`,
      metricName,
      metricValue: '1',
    });
    return filter.metric({ period: PERIOD, statistic: cloudwatch.Stats.SUM });
  }

  private alarm(name: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): void {
    const alarm = new cloudwatch.Alarm(this, name, {
      ...props,
      alarmName: `${this.stackName}-${name}`,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.props.topic !== undefined) alarm.addAlarmAction(new actions.SnsAction(this.props.topic));
    this.alarms.push(alarm);
  }
}
