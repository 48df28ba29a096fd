/**
 * The CDK app. Context options (`-c key=value` or cdk.json) are read and checked in
 * lib/app.ts (`stackPropsFromContext`). `PREBUNDLED=1` deploys the bundles of `npm run build` from dist/.
 */
import * as path from 'node:path';
import { buildApp } from '../lib/app';

buildApp({
  prebundledDir: process.env.PREBUNDLED === '1' ? path.join(__dirname, '..', 'dist') : undefined,
});
