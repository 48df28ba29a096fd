import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { ScheduledFunctionSpec } from '../src/app/function-spec';
import { WebhookFunction } from './webhook-function';

export interface ScheduledFunctionProps {
  readonly spec: ScheduledFunctionSpec;
  /** Minutes between runs. */
  readonly everyMinutes: number;
  /** A folder holding `<slug>/index.js` from `npm run build`; unset: bundle with esbuild here. */
  readonly prebundledDir?: string;
}

/**
 * A function run by an EventBridge schedule (the expiry sweeper): the same function defaults and
 * own role as a webhook's (lib/webhook-function.ts), its spec's timeout, and a rule invoking it
 * every `everyMinutes`. No route and no token: nothing calls it but the rule.
 */
export class ScheduledFunction extends Construct {
  readonly handler: WebhookFunction;
  readonly rule: events.Rule;
  readonly everyMinutes: number;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.everyMinutes = props.everyMinutes;
    this.handler = new WebhookFunction(this, 'Function', {
      slug: spec.slug,
      prebundledDir: props.prebundledDir,
      timeout: Duration.seconds(spec.timeoutSeconds),
      description: `Runs the ${spec.slug} scheduled function: ${spec.description}`,
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: `${spec.description}, every ${props.everyMinutes} minute(s)`,
      schedule: events.Schedule.rate(Duration.minutes(props.everyMinutes)),
      // A missed run is not retried: the next one comes within minutes and does the same work.
      targets: [new targets.LambdaFunction(this.handler.function, { retryAttempts: 0 })],
    });
  }
}
