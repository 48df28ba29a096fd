/**
 * Every refused call (405, 413, 401, 400, 422) leaves one WARN line with status and reason and a
 * `Refused` count, and neither the body nor the credential ever reaches the logs or the metrics.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Pipeline, WebhookRequest } from '../../../src/http/pipeline';
import { EnvTokenSource } from '../../../src/http/token-source';
import { logger } from '../../../src/kernel/logger';
import { MAX_BODY_BYTES } from '../../../src/lumos/replies';
import { DeprovisioningService } from '../../../src/services/deprovisioning-service';
import { testDeployment } from '../../support/deployment';
import { capturedMetrics } from '../../support/emf';
import { fixture, preApprovalBody, webhookRequest } from '../../support/events';
import { preApprovalPipeline } from '../../support/pre-approval-pipeline';

const TOKEN = 'accepted-token-0123456789';
const WRONG = 'wrong-token-must-not-be-logged';
/** Put into every refused body: it must show up nowhere. */
const MARKER = 'BODY-MARKER-7f3a9c';

let run: Pipeline;
let captured: ReturnType<typeof capturedMetrics>;

beforeAll(async () => {
  captured = capturedMetrics();
  run = await preApprovalPipeline({ tokens: new EnvTokenSource(TOKEN), authHeader: 'authorization', metrics: captured.metrics });
});

afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT');
  captured.lines.length = 0;
});

/** Everything written to stdout and stderr while the call runs. */
async function callCapturing(request: WebhookRequest): Promise<{ status: number; output: string; lines: Record<string, unknown>[] }> {
  logger.setLogLevel('DEBUG');
  const chunks: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  }
  const reply = await run(request);
  vi.restoreAllMocks();
  const output = chunks.join('');
  const lines = output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: reply.statusCode, output, lines };
}

const marked = { ...preApprovalBody(), request_comment: MARKER };

const CASES: { label: string; request: () => WebhookRequest; status: number; reason: string }[] = [
  { label: 'a method other than POST', request: () => webhookRequest(marked, TOKEN, { method: 'GET' }), status: 405, reason: 'method_not_allowed' },
  {
    label: 'a body over 256 KiB',
    request: () => webhookRequest({ ...marked, padding: MARKER.repeat(Math.ceil(MAX_BODY_BYTES / MARKER.length)) }, TOKEN),
    status: 413,
    reason: 'payload_too_large',
  },
  { label: 'no credential', request: () => webhookRequest(marked, TOKEN, { headers: {} }), status: 401, reason: 'unauthorized' },
  { label: 'a wrong credential', request: () => webhookRequest(marked, WRONG), status: 401, reason: 'unauthorized' },
  { label: 'a body that is not JSON', request: () => webhookRequest(`{"request_comment": "${MARKER}"`, TOKEN), status: 400, reason: 'invalid_json' },
  { label: 'a JSON body that is no object', request: () => webhookRequest(JSON.stringify([MARKER]), TOKEN), status: 400, reason: 'invalid_json' },
  {
    label: 'a payload that fails the schema',
    request: () =>
      webhookRequest({ ...marked, application: { app_id: MARKER }, permissions: MARKER, access_length: MARKER, target_user: { email: MARKER } }, TOKEN),
    status: 422,
    reason: 'invalid_payload',
  },
];

describe('refused calls', () => {
  it.each(CASES)('$label: one WARN line with status $status and reason $reason', async ({ request, status, reason }) => {
    // Prepare
    const call = request();
    // Act
    const result = await callCapturing(call);
    // Assess
    expect(result.status).toBe(status);
    const refusals = result.lines.filter((line) => line.request_id === call.requestId);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 'WARN', kind: 'pre_approval', status, reason });
  });

  it.each(CASES)('$label: never logs the body or the credential', async ({ request }) => {
    // Prepare
    const call = request();
    // Act
    const { output } = await callCapturing(call);
    // Assess
    expect(output).not.toContain(MARKER);
    expect(output).not.toContain(WRONG);
    expect(output).not.toContain(TOKEN);
  });

  it.each(CASES)('$label: counts one Refused by kind and reason, and no decision', async ({ request, reason }) => {
    // Prepare
    const call = request();
    // Act
    await callCapturing(call);
    // Assess
    const published = captured.published();
    expect(published.map((metric) => [metric.name, metric.value, metric.dimensionSets])).toEqual([['Refused', 1, [{ kind: 'pre_approval', reason }]]]);
    expect(captured.lines.join('')).not.toContain(MARKER);
  });

  it('an accepted call is counted as a decision, not as refused', async () => {
    // Prepare / Act
    const { status } = await callCapturing(webhookRequest(preApprovalBody(), TOKEN));
    // Assess
    expect(status).toBe(200);
    expect(captured.published().map((metric) => [metric.name, metric.dimensionSets])).toEqual([
      ['Decisions', [{ kind: 'pre_approval', outcome: 'NOT_PREAPPROVED' }]],
    ]);
  });
});

describe('deprovisioning with fields it cannot use', () => {
  it('goes on, and logs which fields it ignored without their values', async () => {
    // Prepare
    const deprovision = (await testDeployment(TOKEN)).pipeline((deps) => new DeprovisioningService(deps));
    const body = { ...fixture('provisioning.json'), access_length: 1e15, requester_user: { email: MARKER } };
    logger.setLogLevel('WARN');
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    // Act
    const reply = await deprovision(webhookRequest(body, TOKEN));
    // Assess
    vi.restoreAllMocks();
    expect(reply.statusCode).toBe(204);
    const ignored = chunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown>).find((line) => line.message === 'payload fields ignored');
    expect(ignored).toMatchObject({ level: 'WARN', kind: 'deprovisioning', ignored: [{ path: 'access_length' }, { path: 'requester_user.email' }] });
    expect(chunks.join('')).not.toContain(MARKER);
  });
});
