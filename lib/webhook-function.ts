import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_ALIASES, BUNDLING, bundleNames, LAZY_MODULES, WORKER_SCRIPTS } from './bundling';
import { LOG_RETENTION } from './log-retention';

export interface WebhookFunctionProps {
  /** The function's slug: its handler file under src/handlers (without `.ts`) and its bundle folder under the prebundled dir. */
  readonly slug: string;
  /** Name of the header carrying the token; unset for a scheduled function, which no caller reaches. */
  readonly authHeader?: string;
  /** Unset: a webhook's 10 s. */
  readonly timeout?: Duration;
  /** What the function does, for its role; unset: the webhook of its slug. */
  readonly description?: string;
  /** A folder holding `<slug>/index.js` from `npm run build`; unset: bundle with esbuild here. */
  readonly prebundledDir?: string;
  /** Concurrent executions reserved for (and capping) this function; unset: none, the account's shared pool. */
  readonly reservedConcurrency?: number;
}

/** Lumos gives up after 15 s and never retries; the handler's own deadline (~8 s) fires first. */
export const FUNCTION_TIMEOUT = Duration.seconds(10);

const HANDLERS_DIR = path.join(__dirname, '..', 'src', 'handlers');

/**
 * Fixes every function's defaults (the webhooks', and the scheduled ones' through lib/scheduled-function.ts): runtime, arm64, memory, timeout, JSON logs with
 * retention, and a role of its own that may write to its own log group and nothing else until
 * the stack grants it its tables and secrets (lib/access.ts).
 */
export class WebhookFunction extends Construct {
  readonly slug: string;
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    this.slug = props.slug;
    this.timeout = props.timeout ?? FUNCTION_TIMEOUT;
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: LOG_RETENTION });
    this.logGroup = logGroup;
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description ?? `Runs the ${props.slug} webhook function`,
    });
    // Instead of the managed AWSLambdaBasicExecutionRole, which may create any log group and write
    // to every one: the group exists (above), so the function only adds streams and events to it.
    // The group's ARN attribute ends in `:*`, which covers its streams and nothing beyond them.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const environment: Record<string, string> = props.authHeader === undefined ? {} : { AUTH_HEADER: props.authHeader };
    const common = {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: this.timeout,
      role,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // No --enable-source-maps: it cost ~10 ms of every cold start (docs/performance.md); the maps
      // ship beside the bundle for when a stack trace needs reading.
      environment,
    } satisfies lambda.FunctionOptions & { runtime: lambda.Runtime };

    this.function =
      props.prebundledDir === undefined
        ? new NodejsFunction(this, 'Handler', {
            ...common,
            entry: path.join(HANDLERS_DIR, `${props.slug}.ts`),
            bundling: {
              ...BUNDLING,
              mainFields: [...BUNDLING.mainFields],
              format: OutputFormat.CJS,
              // Bundle the AWS SDK (see lib/bundling.ts); only the lazily loaded modules stay out.
              externalModules: Object.values(LAZY_MODULES),
              esbuildArgs: Object.fromEntries(Object.entries({ ...BUNDLE_ALIASES, ...LAZY_MODULES }).map(([from, to]) => [`--alias:${from}`, to])),
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir, outputDir) => [...lazyModuleCommands(inputDir, outputDir), ...workerScriptCommands(inputDir, outputDir)],
              },
              forceDockerBundling: false,
            },
          })
        : new lambda.Function(this, 'Handler', {
            ...common,
            code: lambda.Code.fromAsset(prebundled(props.prebundledDir, props.slug)),
            handler: 'index.handler',
          });
  }
}

const ESBUILD_FLAGS = `--bundle --platform=node --format=cjs --target=${BUNDLING.target} --main-fields=${BUNDLING.mainFields.join(',')} --minify --sourcemap --legal-comments=none --log-level=warning`;

/** Writes each lazily loaded module beside the bundle, built as scripts/build.ts builds it. */
function lazyModuleCommands(inputDir: string, outputDir: string): string[] {
  return Object.entries(LAZY_MODULES).map(
    ([module, file]) => `cd "${inputDir}" && npx --no-install esbuild ${module} ${ESBUILD_FLAGS} --outfile="${path.join(outputDir, file)}"`,
  );
}

/** Writes each worker script beside a bundle that names it (the calendar parse beside the state sync's), as scripts/build.ts does. */
export function workerScriptCommands(inputDir: string, outputDir: string): string[] {
  return Object.entries(WORKER_SCRIPTS).map(
    ([file, entry]) =>
      `if grep -qF '${JSON.stringify(file)}' "${path.join(outputDir, 'index.js')}"; then cd "${inputDir}" && npx --no-install esbuild "${entry}" ${ESBUILD_FLAGS} --outfile="${path.join(outputDir, file)}"; fi`,
  );
}

/** The bundle folder of one function, with a hint when `npm run build` has not run. */
function prebundled(dir: string, slug: string): string {
  const folder = path.join(dir, slug);
  const missing = (file: string) => new Error(`${path.join(folder, file)} not found: run \`npm run build\` first`);
  const bundle = path.join(folder, 'index.js');
  if (!existsSync(bundle)) throw missing('index.js');
  // A lazy module the bundle requires but lacks (re2js.js) would turn every rule with a pattern into an invalid rule once deployed;
  // a missing worker script (ics-worker.js) would fail every calendar source.
  const source = readFileSync(bundle, 'utf8');
  for (const file of [...Object.values(LAZY_MODULES), ...Object.keys(WORKER_SCRIPTS)]) {
    if (bundleNames(source, file) && !existsSync(path.join(folder, file))) throw missing(file);
  }
  return folder;
}
