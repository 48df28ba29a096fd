/**
 * The state sync's code as the stack deploys it: bundled by the stack (NodejsFunction) or taken
 * from `npm run build`'s folder, it ships ics-worker.js beside index.js, the calendar parse that
 * runs in a worker thread (src/sync/sources/ics-expansion.ts). Without it every calendar source
 * would fail once deployed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { App, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookFunction } from '../../lib/webhook-function';
import type { IcsExpansion, IcsExpansionRequest } from '../../src/sync/sources/ics-expansion';
import { FUNCTION_SLUGS } from '../support/infra/expectations';
import { synth } from '../support/infra/stack-template';
import { calendar, vevent } from '../support/sources/ics-feed';

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'state-sync-asset-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the state sync code asset (16.5)', () => {
  it('16.5 the stack bundles ics-worker.js beside the state sync index.js, and it parses a calendar in a thread', async () => {
    // Prepare
    const outdir = path.join(scratch, 'cdk.out');
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'AssetTest');
    const sync = new WebhookFunction(stack, 'Sync', { slug: 'state-sync' });

    // Act
    const assembly = app.synth();
    const cfn = sync.function.node.defaultChild as lambda.CfnFunction;
    const asset = path.join(assembly.directory, String(cfn.getMetadata('aws:asset:path')));
    const request: IcsExpansionRequest = {
      text: calendar(vevent({ UID: 'a', DTSTART: '20261129T120000Z', DTEND: '20261129T180000Z', ATTENDEE: 'mailto:Peter@Lumos.com' })),
      schedule: 'rota',
      window: { from: Date.parse('2026-11-29T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z') },
      endsAt: Date.now() + 30_000,
    };
    const worker = new Worker(path.join(asset, 'ics-worker.js'), { workerData: request });
    const expansion = await new Promise<IcsExpansion>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();

    // Assess
    expect(existsSync(path.join(asset, 'index.js'))).toBe(true);
    expect(expansion).toEqual({
      outOfTime: false,
      parsed: true,
      shifts: [{ schedule: 'rota', email: 'peter@lumos.com', starts_at: '2026-11-29T12:00:00.000Z', ends_at: '2026-11-29T18:00:00.000Z' }],
      skipped: {},
      ambiguousUids: [],
    });
  });

  it('16.5 refuses a prebundled folder whose state sync bundle names ics-worker.js but lacks it', () => {
    // Prepare: every function's bundle, the state sync's starting its worker as the real one does
    const dir = mkdtempSync(path.join(scratch, 'dist-'));
    for (const slug of FUNCTION_SLUGS) {
      mkdirSync(path.join(dir, slug));
      const worker = slug === 'state-sync' ? 'const parse = () => start(__dirname, "ics-worker.js");\n' : '';
      writeFileSync(path.join(dir, slug, 'index.js'), `${worker}exports.handler = async () => ({});\n`);
    }

    // Act / Assess
    expect(() => synth({ prebundledDir: dir })).toThrow(`${path.join(dir, 'state-sync', 'ics-worker.js')} not found: run \`npm run build\` first`);
    writeFileSync(path.join(dir, 'state-sync', 'ics-worker.js'), '// the worker\n');
    expect(() => synth({ prebundledDir: dir })).not.toThrow();
  });
});
