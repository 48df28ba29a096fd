import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { WEBHOOK_FUNCTIONS } from '../src/app/functions';
import type { DimensionSetOf, MetricName } from '../src/audit/call-metrics';
import type { WebhookKind } from '../src/lumos/payload';
import { SYNC_METRIC_KIND, type SyncMetricName } from '../src/sync/sync-metrics';

/** 401s in 5 minutes that look like someone guessing the token rather than a rotation gone wrong. */
export const DEFAULT_UNAUTHORIZED_ALARM_THRESHOLD = 20;
/** A duration alarm fires at this share of the timeout: the handler's own ~8 s deadline should have answered by then. */
const DURATION_ALARM_SHARE = 0.8;
/** Runs in a row with a schedule not read whole before its alarm fires. */
const INCOMPLETE_RUNS_IN_A_ROW = 3;
const PERIOD = Duration.minutes(5);
/** How long a state source stays stale before its alarm fires: a blip of one or two runs is not worth a page. */
const STALE_ALARM_MINUTES = 15;

/** What Lumos gets when a kind's check cannot run (docs/contract.md, "Replies per kind"), for the alarm descriptions. */
const SAFE_REPLY: Record<WebhookKind, string> = {
  pre_approval: 'Lumos got NOT_PREAPPROVED and the request went to human approval',
  request_validation: 'requesters were told to try again (VALIDATION_FAILED), or let through with fail mode open',
  provisioning: 'Lumos got a 502 and opened a manual provisioning task',
  deprovisioning: 'Lumos got a 502 and opened a manual task; the access is still in place',
};

/** What an invalid rule item in scope does to the answers of a kind that reads rules. */
const INVALID_RULE_EFFECT: Partial<Record<WebhookKind, string>> = {
  pre_approval: 'that app answers NOT_PREAPPROVED',
  request_validation: 'requesters of that app are told the check is misconfigured (or let through with fail mode open)',
  provisioning: 'the permissions it covers are not provisioned (502, manual task)',
};

export interface AlarmedFunction {
  /** The function's slug (`pre-approval`): alarm names and descriptions use it. */
  readonly slug: string;
  readonly function: lambda.Function;
  readonly timeout: Duration;
}

/** A function run on a schedule, with how often it runs. */
export interface AlarmedSchedule {
  readonly handler: AlarmedFunction;
  readonly everyMinutes: number;
}

export interface WebhookAlarmsProps {
  readonly functions: readonly AlarmedFunction[];
  /** The scheduled functions (the expiry sweeper, the state sync). */
  readonly scheduled?: readonly AlarmedSchedule[];
  /** Where the functions publish their EMF metrics (src/kernel/metrics.ts), and the access-log counts go. */
  readonly metricsNamespace: string;
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
  logs.FilterPattern.any(logs.FilterPattern.stringValue('$.errorResponseType', '!=', '-'), logs.FilterPattern.stringValue('$.integrationError', '!=', '-')),
);
export const UNAUTHORIZED_PATTERN = logs.FilterPattern.stringValue('$.status', '=', '401');

/**
 * What someone should hear about: per function errors, throttles and durations near the timeout,
 * and from the functions' own metrics any check that could not run, any invalid rule in scope and
 * any target system that failed; for the API, unexpected 5xx and a spike of 401s. No data (no
 * traffic, or nothing wrong: the functions publish these counts only when they are above zero)
 * is not an alarm.
 */
export class WebhookAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly stackName: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WebhookAlarmsProps,
  ) {
    super(scope, id);
    this.stackName = Stack.of(this).stackName;
    for (const alarmed of props.functions) this.alarmFunction(alarmed);
    for (const scheduled of props.scheduled ?? []) this.alarmScheduled(scheduled);
    this.alarmApi();
  }

  /**
   * A scheduled function failing a run (errors); for the expiry sweeper the access outliving its
   * expiry, for the state sync a source failing or stale. Its runs publish the counts every time,
   * zero included, over a period no shorter than its interval, so each period holds a run.
   */
  private alarmScheduled({ handler, everyMinutes }: AlarmedSchedule): void {
    const { slug, function: fn } = handler;
    const period = Duration.minutes(Math.max(5, everyMinutes));
    this.alarm(`${slug}-errors`, {
      metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `A run of the ${slug} function failed (a table unreachable, a timeout, a misconfiguration): see its log group. The next run tries again.`,
    });
    if (slug === 'state-sync') {
      this.alarmStateSources(period);
      this.alarmIncompleteSchedules(everyMinutes);
    }
    if (slug !== 'expiry-sweeper') return;
    this.alarm(`${slug}-overdue-grants`, {
      metric: new cloudwatch.Metric({
        namespace: this.props.metricsNamespace,
        metricName: 'OverdueGrants',
        dimensionsMap: { kind: 'expiry_sweeper' } satisfies DimensionSetOf<'OverdueGrants'>,
        period,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        'A grant is still in place more than 30 minutes after its expiry: its removal keeps failing (the target system down or refusing, ' +
        'its connector secret gone, its recorded provisioner unreadable). `npx lumos-state grants --pending` lists each with its last error ' +
        'and next attempt; fix the cause and the sweeper removes it, or remove the access by hand and close it with `npx lumos-state resolve`.',
    });
  }

  /**
   * A state source stale for 15 minutes on end: its last success is older than its stale_after (a
   * source that keeps failing gets there once stale_after has passed; a refused one at once), so
   * rules asking about its schedules fail closed. A single failed run, still within stale_after,
   * changes no decision and is only logged.
   */
  private alarmStateSources(period: Duration): void {
    this.alarm('state-sync-sources-stale', {
      metric: new cloudwatch.Metric({
        namespace: this.props.metricsNamespace,
        metricName: 'SourcesStale' satisfies SyncMetricName,
        dimensionsMap: { kind: SYNC_METRIC_KIND },
        period,
        statistic: cloudwatch.Stats.MINIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: Math.max(1, Math.ceil(STALE_ALARM_MINUTES / period.toMinutes())),
      alarmDescription:
        'A state source is failing or stale: its last successful sync is older than its stale_after (or it never synced, or it is refused), ' +
        'so on_call rules for its schedules are undecided and fail closed. The state-sync function logs "state source sync failed" or ' +
        '"state source not synced" with the source and reason, and each source\'s status item (pk "source-status" in the state table) holds its ' +
        'last success, last failure and reason: unauthorized or forbidden (renew the API key in its secret), secret_unavailable or ' +
        'host_not_allowed (fix the secret), misconfigured (fix the source item). See docs/operations.md, "A state source failing or stale".',
    });
  }

  /**
   * Three runs in a row that could not read some schedule whole (a page that does not parse, too
   * many pages, a listing cut off): their vanished shifts are kept, so someone dropped from that
   * rota stays on call until its stale_after passes and on_call fails closed.
   */
  private alarmIncompleteSchedules(everyMinutes: number): void {
    this.alarm('state-sync-schedules-incomplete', {
      metric: new cloudwatch.Metric({
        namespace: this.props.metricsNamespace,
        metricName: 'SchedulesIncomplete' satisfies SyncMetricName,
        dimensionsMap: { kind: SYNC_METRIC_KIND },
        period: Duration.minutes(everyMinutes),
        statistic: cloudwatch.Stats.MINIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: INCOMPLETE_RUNS_IN_A_ROW,
      alarmDescription:
        `${INCOMPLETE_RUNS_IN_A_ROW} state sync runs in a row could not read some schedule whole (a page that does not parse, too many pages, ` +
        'a listing cut off), so shifts that vanished from it were kept. `npx lumos-state sources` names the schedules not read whole and ' +
        'which are stale; the state-sync log says which page failed. See docs/operations.md, "Schedules not read whole".',
    });
  }

  private alarmFunction({ slug: kind, function: fn, timeout }: AlarmedFunction): void {
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
    this.alarmOutcomes(kind);
  }

  /** Alarms on the EMF metrics one kind's function publishes. */
  private alarmOutcomes(kind: string): void {
    const spec = WEBHOOK_FUNCTIONS.find((webhook) => webhook.slug === kind);
    if (spec === undefined) throw new Error(`no function ${kind}`);
    const metric = spec.kind;
    const dimensions = { kind: metric };
    this.alarm(`${kind}-failures`, {
      metric: this.emf('Failures', dimensions),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        `A ${kind} check could not run: ${SAFE_REPLY[metric]}. The function logs "webhook call failed" (or "function is misconfigured") ` +
        'with a reason, also the metric Failures by kind and reason: store_unavailable or deadline_exceeded (DynamoDB slow, throttled or ' +
        'unreachable), credential_store_unavailable (the token secret cannot be read), misconfigured (fix the settings and redeploy), ' +
        'audit_unavailable, internal_error (read the logged stack trace).',
    });
    // Only a function given the rules table can meet an invalid rule item.
    if (spec.tables.rules !== undefined) {
      this.alarm(`${kind}-invalid-rules`, {
        metric: this.emf('InvalidRulesInScope', dimensions),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription:
          `A ${kind} decision met a rule item that fails validation: ${INVALID_RULE_EFFECT[metric] ?? 'it answered the safe side'} until the item is fixed ` +
          '(an invalid shadow item changes nothing and is logged as a warning). The function logs a line starting "invalid" with its ' +
          'app_id and rule_id; audit items carry it as a trace entry with outcome "invalid" and the problems. ' +
          'Fix the item in the rules table, or set its enabled attribute to false.',
      });
    }
    // Lumos never retries: a deprovisioning refused as unusable leaves the access in place.
    if (kind === 'deprovisioning') {
      this.alarm(`${kind}-refused-payload`, {
        metric: this.emf('Refused', { kind: metric, reason: 'invalid_payload' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription:
          'A deprovisioning call was refused with a 422: its app, a permission or the subject could not be used, so the access it ' +
          'named is still in place. The function logs "webhook call refused" with the issues (paths and problems). Remove the access by hand.',
      });
    }
    // Only a function that writes grants calls target systems.
    if (spec.tables.grants === 'readWrite') {
      this.alarm(`${kind}-target-failures`, {
        metric: this.emf('ProvisioningFailures', dimensions),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription:
          `A target system failed during ${kind}: Lumos got a 502 and opened a manual task. The metric ProvisioningFailures by kind and ` +
          'system names the provisioner ("none": the rule in scope is invalid); the results in the audit items say which permission and why. ' +
          'Fix the target system or its connector secret, then complete the manual task (a repeated call is idempotent).',
      });
    }
  }

  /** A metric the functions publish in Embedded Metric Format, summed per 5 minutes. */
  private emf<M extends MetricName>(metricName: M, dimensionsMap: DimensionSetOf<M>): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName,
      dimensionsMap,
      period: PERIOD,
      statistic: cloudwatch.Stats.SUM,
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
      metricNamespace: this.props.metricsNamespace,
      metricName,
      metricValue: '1',
    });
    return filter.metric({ period: PERIOD, statistic: cloudwatch.Stats.SUM });
  }

  /** One alarm; it fires on a single breaching period unless `evaluationPeriods` says how many on end. */
  private alarm(name: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number }): void {
    const alarm = new cloudwatch.Alarm(this, name, {
      ...props,
      alarmName: `${this.stackName}-${name}`,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.props.topic !== undefined) alarm.addAlarmAction(new actions.SnsAction(this.props.topic));
    this.alarms.push(alarm);
  }
}
