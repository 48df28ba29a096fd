import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MAX_VALIDATION_MESSAGE_LENGTH } from '../src/app/config';
import { FAIL_MODES } from '../src/services/fail-mode';
import { ContextReader } from './context';
import { applyNagAcknowledgements, type NagAcknowledgement, nagAcknowledgements } from './nag-acknowledgements';
import { WAF_RATE_LIMIT_BOUNDS } from './rate-limit-waf';
import { WebhookStack, type WebhookStackProps } from './webhook-stack';

export interface BuildAppOptions {
  /** Context on top of the CLI's (`-c`, cdk.json); tests pass theirs here. */
  readonly context?: Record<string, unknown>;
  /** Folder with `<kind>/index.js` bundles from `npm run build`; unset: bundle during synth. */
  readonly prebundledDir?: string;
  /** Run the cdk-nag AwsSolutions checks at synth: a finding not acknowledged fails it. */
  readonly nag?: boolean;
  /** Which acknowledgements of lib/nag-acknowledgements.ts to apply; default all (a test drops one to see synth fail). */
  readonly keepAcknowledgement?: (acknowledgement: NagAcknowledgement) => boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly stack: WebhookStack;
}

/**
 * The stack's settings from the app's context: every option docs/deploy.md lists, checked here.
 * Each key is read unconditionally: the reads are the list of known keys (`rejectUnknownKeys`).
 */
export function stackPropsFromContext(context: ContextReader): WebhookStackProps {
  return {
    description: 'Receiver for Lumos inline webhooks',
    tokenSecretName: context.string('tokenSecretName'),
    authHeader: context.string('authHeader'),
    validationFailMode: context.oneOf('validationFailMode', FAIL_MODES),
    // The function refuses a longer one at start (src/app/config.ts): refuse it here, not after deploying.
    validationMisconfiguredMessage: context.string('validationMisconfiguredMessage', { maxLength: MAX_VALIDATION_MESSAGE_LENGTH }),
    connectorSecretPrefix: context.string('connectorSecretPrefix'),
    sourceSecretPrefix: context.string('sourceSecretPrefix'),
    legacySourceSecretPrefix: context.string('legacySourceSecretPrefix'),
    throttleRateLimit: context.number('throttleRateLimit', { min: 1, integer: false }),
    throttleBurstLimit: context.number('throttleBurstLimit', { min: 1, integer: true }),
    apiExecutionLogging: context.boolean('apiExecutionLogging'),
    waf: context.boolean('waf'),
    wafRateLimit: context.number('wafRateLimit', { ...WAF_RATE_LIMIT_BOUNDS, integer: true }),
    reservedConcurrency: context.number('reservedConcurrency', { min: 1, integer: true }),
    unauthorizedAlarmThreshold: context.number('unauthorizedAlarmThreshold', { min: 1, integer: true }),
    alarmEmail: context.email('alarmEmail'),
    sweepMinutes: context.number('sweepMinutes', { min: 1, max: 1_440, integer: true }),
    stateSyncMinutes: context.number('stateSyncMinutes', { min: 1, max: 1_440, integer: true }),
  };
}

/**
 * What bin/app.ts builds from its environment: the cdk-nag checks unless `CDK_NAG=0`, and with
 * `PREBUNDLED=1` the bundles in `distDir` (`npm run build`'s) instead of bundling during synth.
 */
export function appOptionsFromEnvironment(env: NodeJS.ProcessEnv, distDir: string): BuildAppOptions {
  return { nag: env.CDK_NAG !== '0', prebundledDir: env.PREBUNDLED === '1' ? distDir : undefined };
}

/** The CDK app as `cdk synth` and `cdk deploy` build it (bin/app.ts), and as the tests build it. */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const app = new App({ context: options.context });
  const context = new ContextReader(app.node);
  const stackName = context.string('stackName') ?? 'LumosWebhooks';
  const props = stackPropsFromContext(context);
  // Every option has been read by now: anything else is a typo or a stale option (checked before bundling starts).
  context.rejectUnknownKeys();
  const stack = new WebhookStack(app, stackName, { ...props, prebundledDir: options.prebundledDir });
  if (options.nag === true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    applyNagAcknowledgements(nagAcknowledgements(stack).filter(options.keepAcknowledgement ?? (() => true)));
  }
  return { app, stack };
}
