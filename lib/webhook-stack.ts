import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { FunctionSpec, ScheduledFunctionSpec, ScheduleSettings, WebhookFunctionSpec } from '../src/app/function-spec';
import { SCHEDULED_FUNCTIONS, WEBHOOK_FUNCTIONS } from '../src/app/functions';
import { DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_VAR } from '../src/kernel/metrics';
import type { FailMode } from '../src/services/fail-mode';
import { DEFAULT_CONNECTOR_SECRET_PREFIX, stackSourceSecretPrefix } from '../src/store/secret-prefix';
import { TABLE_DEFINITIONS, type TableDefinition } from '../src/store/table-definitions';
import { grantConnectorSecrets, grantSourceSecrets, grantTable, grantTokenRead } from './access';
import { AlarmTopic } from './alarm-topic';
import { pascalCase } from './names';
import { DEFAULT_WAF_RATE_LIMIT, RateLimitWaf } from './rate-limit-waf';
import { ScheduledFunction } from './scheduled-function';
import { addSecretPrefixOutputs, checkedSecretPrefixes } from './secret-prefixes';
import { buildTable, type WebhookTable } from './tables';
import { addTokenOutputs } from './token-outputs';
import { type TokenSecret, tokenSecret } from './token-secret';
import { DEFAULT_UNAUTHORIZED_ALARM_THRESHOLD, WebhookAlarms } from './webhook-alarms';
import { DEFAULT_THROTTLE, WebhookApi } from './webhook-api';
import { WebhookFunction } from './webhook-function';

/** What every webhook function uses. */
interface SharedResources {
  readonly api: apigateway.RestApi;
  readonly tables: ReadonlyMap<TableDefinition['id'], WebhookTable>;
  readonly token: TokenSecret;
  /** Where the functions publish their metrics. */
  readonly metricsNamespace: string;
}

export interface WebhookStackProps extends StackProps {
  /** Use this existing Secrets Manager secret for the token; unset: the stack creates one. */
  readonly tokenSecretName?: string;
  /** Header Lumos sends the token in; default `authorization`. */
  readonly authHeader?: string;
  /** Folder with `<kind>/index.js` bundles from `npm run build`; unset: bundle during synth. */
  readonly prebundledDir?: string;
  /** When request validation cannot run: `closed` blocks with a message (default), `open` lets requests through. */
  readonly validationFailMode?: FailMode;
  /** Shown to a requester while an invalid rule item blocks request validation; unset: the built-in text. */
  readonly validationMisconfiguredMessage?: string;
  /** Connector secrets (http provisioner) must have names starting with this; default `lumos-connectors/`. */
  readonly connectorSecretPrefix?: string;
  /** State sources' secrets must have names starting with this; default `lumos-sources/<stack name>/`. */
  readonly sourceSecretPrefix?: string;
  /** While source secrets are moved: the old prefix the state sync may still read them under (e.g. `lumos-connectors/`). */
  readonly legacySourceSecretPrefix?: string;
  /** Stage throttling, steady requests per second; default 10. */
  readonly throttleRateLimit?: number;
  /** Stage throttling, burst; default 20. */
  readonly throttleBurstLimit?: number;
  /** API Gateway execution logs at ERROR; needs the account's API Gateway CloudWatch role. Default off. */
  readonly apiExecutionLogging?: boolean;
  /** A WAF web ACL with a per-IP rate-based rule in front of the stage. Default off. */
  readonly waf?: boolean;
  /** The WAF rule's limit, requests per IP per 5 minutes; default 300. */
  readonly wafRateLimit?: number;
  /** Concurrent executions reserved for each function; default none (new accounts cannot reserve any). */
  readonly reservedConcurrency?: number;
  /** 401 replies in 5 minutes that raise the alarm; default 20. */
  readonly unauthorizedAlarmThreshold?: number;
  /** E-mail address the alarms notify (through an SNS topic); unset: alarms without notification. */
  readonly alarmEmail?: string;
  /** Minutes between runs of the expiry sweeper; default 5. */
  readonly sweepMinutes?: number;
  /** Minutes between runs of the state sync; default 5. */
  readonly stateSyncMinutes?: number;
}

/** How often the expiry sweeper runs unless `sweepMinutes` says otherwise. */
export const DEFAULT_SWEEP_MINUTES = 5;
/** How often the state sync runs unless `stateSyncMinutes` says otherwise. */
export const DEFAULT_STATE_SYNC_MINUTES = 5;

/** The receiver: one REST API route and one function per webhook kind, the tables, the token secret, alarms. */
export class WebhookStack extends Stack {
  readonly webhookApi: WebhookApi;
  /** Present with `waf: true`. */
  readonly waf: RateLimitWaf | undefined;
  readonly token: TokenSecret;
  readonly functions: readonly WebhookFunction[];
  /** The functions run on a schedule (the expiry sweeper, the state sync). */
  readonly scheduled: readonly ScheduledFunction[];
  /** Connector secrets must have names starting with this; the functions in `connectorSecretReaders` may read them. */
  readonly connectorSecretPrefix: string;
  readonly connectorSecretReaders: readonly WebhookFunction[];
  /** State sources' secrets must have names starting with this; the functions in `sourceSecretReaders` (the sync) may read them. */
  readonly sourceSecretPrefix: string;
  /** During an upgrade only: the old prefix the source secret readers may also read. */
  readonly legacySourceSecretPrefix: string | undefined;
  readonly sourceSecretReaders: readonly WebhookFunction[];
  /** One CloudWatch namespace per deployment, so staging and production metrics never mix. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: WebhookStackProps = {}) {
    super(scope, id, props);

    const tables = new Map<TableDefinition['id'], WebhookTable>(TABLE_DEFINITIONS.map((definition) => [definition.id, buildTable(this, definition)]));
    this.token = tokenSecret(this, props.tokenSecretName);
    const prefixes = checkedSecretPrefixes({
      connectorSecretPrefix: props.connectorSecretPrefix ?? DEFAULT_CONNECTOR_SECRET_PREFIX,
      sourceSecretPrefix: props.sourceSecretPrefix ?? stackSourceSecretPrefix(this.stackName),
      legacySourceSecretPrefix: props.legacySourceSecretPrefix,
    });
    this.connectorSecretPrefix = prefixes.connectorSecretPrefix;
    this.sourceSecretPrefix = prefixes.sourceSecretPrefix;
    this.legacySourceSecretPrefix = prefixes.legacySourceSecretPrefix;
    this.metricsNamespace = `${DEFAULT_METRICS_NAMESPACE}/${this.stackName}`;

    this.webhookApi = new WebhookApi(this, 'WebhookApi', {
      restApiName: `${id}-api`,
      throttle: {
        rateLimit: props.throttleRateLimit ?? DEFAULT_THROTTLE.rateLimit,
        burstLimit: props.throttleBurstLimit ?? DEFAULT_THROTTLE.burstLimit,
      },
      executionLogging: props.apiExecutionLogging ?? false,
    });
    this.waf =
      props.waf === true
        ? new RateLimitWaf(this, 'Waf', {
            stage: this.webhookApi.stage,
            rateLimit: props.wafRateLimit ?? DEFAULT_WAF_RATE_LIMIT,
            metricPrefix: id,
          })
        : undefined;

    const shared = { api: this.webhookApi.api, tables, token: this.token, metricsNamespace: this.metricsNamespace };
    const readers: WebhookFunction[] = [];
    const sourceReaders: WebhookFunction[] = [];
    const noteReader = (spec: FunctionSpec, fn: WebhookFunction) => {
      if (spec.connectorSecrets === true) readers.push(fn);
      if (spec.sourceSecrets === true) sourceReaders.push(fn);
    };
    this.functions = WEBHOOK_FUNCTIONS.map((webhook) => {
      const fn = this.addWebhook(webhook, shared, props);
      noteReader(webhook, fn);
      return fn;
    });
    const schedules: ScheduleSettings = {
      sweepMinutes: props.sweepMinutes ?? DEFAULT_SWEEP_MINUTES,
      stateSyncMinutes: props.stateSyncMinutes ?? DEFAULT_STATE_SYNC_MINUTES,
    };
    this.scheduled = SCHEDULED_FUNCTIONS.map((spec) => {
      const scheduled = this.addScheduled(spec, shared, schedules, props);
      noteReader(spec, scheduled.handler);
      return scheduled;
    });
    this.connectorSecretReaders = readers;
    this.sourceSecretReaders = sourceReaders;

    new WebhookAlarms(this, 'Alarms', {
      functions: this.functions,
      scheduled: this.scheduled.map((scheduled) => ({ handler: scheduled.handler, everyMinutes: scheduled.everyMinutes })),
      accessLogs: this.webhookApi.accessLogs,
      metricsNamespace: this.metricsNamespace,
      unauthorizedThreshold: props.unauthorizedAlarmThreshold ?? DEFAULT_UNAUTHORIZED_ALARM_THRESHOLD,
      topic: props.alarmEmail === undefined ? undefined : new AlarmTopic(this, 'AlarmTopic', { email: props.alarmEmail }).topic,
    });

    addTokenOutputs(this, this.token);
    addSecretPrefixOutputs(this, prefixes);
    for (const { definition, table } of tables.values()) {
      new CfnOutput(this, `${pascalCase(definition.id)}TableName`, { value: table.tableName });
    }
  }

  /** One function: the grants its spec lists, its route and its URL output. */
  private addWebhook(webhook: WebhookFunctionSpec, shared: SharedResources, props: WebhookStackProps): WebhookFunction {
    const { api, tables, token, metricsNamespace } = shared;
    const name = pascalCase(webhook.slug);
    const fn = new WebhookFunction(this, `${name}Function`, {
      slug: webhook.slug,
      authHeader: props.authHeader ?? 'authorization',
      prebundledDir: props.prebundledDir,
      reservedConcurrency: props.reservedConcurrency,
    });
    this.grantSpec(fn, webhook, tables, metricsNamespace);
    grantTokenRead(fn.function, token);
    const environment =
      webhook.environment?.({
        validationFailMode: props.validationFailMode ?? 'closed',
        validationMisconfiguredMessage: props.validationMisconfiguredMessage,
      }) ?? {};
    for (const [key, value] of Object.entries(environment)) fn.function.addEnvironment(key, value);
    api.root.addResource(webhook.slug).addMethod('POST', new apigateway.LambdaIntegration(fn.function));
    new CfnOutput(this, `${name}Url`, {
      description: `URL to enter as Lumos's ${webhook.slug} webhook`,
      value: `${api.url}${webhook.slug}`,
    });
    return fn;
  }

  /** One scheduled function: its schedule, and the grants its spec lists (no token: nothing calls it but the rule). */
  private addScheduled(spec: ScheduledFunctionSpec, shared: SharedResources, schedules: ScheduleSettings, props: WebhookStackProps): ScheduledFunction {
    const scheduled = new ScheduledFunction(this, `${pascalCase(spec.slug)}Scheduled`, {
      spec,
      everyMinutes: spec.everyMinutes(schedules),
      prebundledDir: props.prebundledDir,
    });
    this.grantSpec(scheduled.handler, spec, shared.tables, shared.metricsNamespace);
    return scheduled;
  }

  /** The tables and secrets a spec lists, at its levels, and where its metrics go. */
  private grantSpec(fn: WebhookFunction, spec: FunctionSpec, tables: SharedResources['tables'], metricsNamespace: string): void {
    for (const [tableId, table] of tables) {
      const level = spec.tables[tableId];
      if (level !== undefined) grantTable(fn.function, table, level);
    }
    if (spec.connectorSecrets) grantConnectorSecrets(fn.function, this.connectorSecretPrefix);
    if (spec.sourceSecrets) grantSourceSecrets(fn.function, this.sourceSecretPrefix, this.legacySourceSecretPrefix);
    fn.function.addEnvironment(METRICS_NAMESPACE_VAR, metricsNamespace);
  }
}
