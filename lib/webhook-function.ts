import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_ALIASES, BUNDLING } from './bundling';

export interface WebhookFunctionProps {
  /** Handler file name under src/handlers (without `.ts`), also the bundle folder under the prebundled dir. */
  readonly kind: string;
  /** Name of the header carrying the token. */
  readonly authHeader: string;
  /** A folder holding `<kind>/index.js` from `npm run build`; unset: bundle with esbuild here. */
  readonly prebundledDir?: string;
}

const HANDLERS_DIR = path.join(__dirname, '..', 'src', 'handlers');

/** Fixes every webhook function's defaults: runtime, arm64, memory, timeout, JSON logs with retention. */
export class WebhookFunction extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const common = {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Lumos gives up after 15 s and never retries; the handler's own deadline (~8 s) fires first.
      timeout: Duration.seconds(10),
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // No --enable-source-maps: it costs ~10 ms of every cold start (npm run bench); the maps ship
      // beside the bundle for when a stack trace needs reading.
      environment: {
        AUTH_HEADER: props.authHeader,
      },
    } satisfies lambda.FunctionOptions & { runtime: lambda.Runtime };

    this.function =
      props.prebundledDir === undefined
        ? new NodejsFunction(this, 'Handler', {
            ...common,
            entry: path.join(HANDLERS_DIR, `${props.kind}.ts`),
            bundling: {
              ...BUNDLING,
              mainFields: [...BUNDLING.mainFields],
              format: OutputFormat.CJS,
              // Bundle the AWS SDK (see lib/bundling.ts).
              externalModules: [],
              esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
              forceDockerBundling: false,
            },
          })
        : new lambda.Function(this, 'Handler', {
            ...common,
            code: lambda.Code.fromAsset(prebundled(props.prebundledDir, props.kind)),
            handler: 'index.handler',
          });
  }
}

/** The bundle folder of one kind, with a hint when `npm run build` has not run. */
function prebundled(dir: string, kind: string): string {
  const folder = path.join(dir, kind);
  if (!existsSync(path.join(folder, 'index.js'))) {
    throw new Error(`${folder}/index.js not found: run \`npm run build\` first`);
  }
  return folder;
}
