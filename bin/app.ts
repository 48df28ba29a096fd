/**
 * The CDK app. Context options (`-c key=value` or cdk.json) are read and checked in
 * lib/app.ts (`stackPropsFromContext`); a bad value or an unknown key stops the synth with a
 * one-line error (no stack trace: it is the user's input, not a bug). `PREBUNDLED=1` deploys
 * the bundles of `npm run build` from dist/. cdk-nag (AwsSolutions) runs on every synth and
 * fails it on any finding not acknowledged in lib/nag-acknowledgements.ts; `CDK_NAG=0` skips
 * it for a quick look.
 */
import * as path from 'node:path';
import { appOptionsFromEnvironment, buildApp } from '../lib/app';
import { ContextError } from '../lib/context';

try {
  buildApp(appOptionsFromEnvironment(process.env, path.join(__dirname, '..', 'dist')));
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exit(1);
}
