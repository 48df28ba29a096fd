import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_RETENTION } from './log-retention';

export interface ApiThrottle {
  /** Steady requests per second the stage accepts, for all routes together. */
  readonly rateLimit: number;
  /** Requests the stage accepts at once above the steady rate. */
  readonly burstLimit: number;
}

/**
 * Human-scale traffic: a person asks for access, Lumos calls once. Low limits keep a leaked URL
 * from draining the account's shared API Gateway and Lambda limits.
 */
export const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 10, burstLimit: 20 };

/** The one stage: part of every URL Lumos is given. */
const STAGE_NAME = 'v1';

export interface WebhookApiProps {
  readonly restApiName: string;
  readonly throttle: ApiThrottle;
  /** Execution logs at ERROR; needs the account's API Gateway CloudWatch role (an account-wide setting). */
  readonly executionLogging: boolean;
}

/**
 * One access log line per request, as JSON. Request and response bodies and headers are never
 * logged (they carry the token and people's e-mails). `errorResponseType` and
 * `integrationError` are `-` when the function answered by itself, which is how the 5xx alarm
 * tells API Gateway's own failures from the contract's deliberate 502 replies.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  errorResponseType: '$context.error.responseType',
  integrationError: '$context.integration.error',
} as const;

/** The regional REST API with its stage settings: throttling, JSON access logs, optional execution logs. */
export class WebhookApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly accessLogs: logs.LogGroup;
  /** The group API Gateway writes execution logs to, when they are on. */
  readonly executionLogs: logs.LogGroup | undefined;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.restApiName,
      description: 'Lumos inline webhooks',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // The account-wide API Gateway logging role is an account setting, not this stack's to own.
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: props.executionLogging ? apigateway.MethodLoggingLevel.ERROR : apigateway.MethodLoggingLevel.OFF,
        // Full request logging would write the token header and the payload's e-mails to the logs.
        dataTraceEnabled: false,
      },
    });
    // The stage's base URL is no webhook URL; the stack outputs one URL per kind instead.
    this.api.node.tryRemoveChild('Endpoint');
    // API Gateway writes execution logs to a group of this fixed name, creating it without
    // retention if missing; created here first, it has the same retention as every other log.
    this.executionLogs = props.executionLogging
      ? new logs.LogGroup(this, 'ExecutionLogs', {
          logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
          retention: LOG_RETENTION,
        })
      : undefined;
    if (this.executionLogs !== undefined) this.api.deploymentStage.node.addDependency(this.executionLogs);
  }

  get stage(): apigateway.Stage {
    return this.api.deploymentStage;
  }
}
