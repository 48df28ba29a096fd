/** A refused call is logged for the admin, but no header value or token ever reaches a log or a reply. */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Pipeline } from '../../../src/http/pipeline';
import { EnvTokenSource } from '../../../src/http/token-source';
import { logger } from '../../../src/kernel/logger';
import { preApprovalBody, webhookRequest } from '../../support/events';
import { preApprovalPipeline } from '../../support/pre-approval-pipeline';

const ACCEPTED = 'accepted-token-0123456789';
const WRONG = 'wrong-token-that-must-not-be-logged';
let run: Pipeline;

beforeAll(async () => {
  run = await preApprovalPipeline({ tokens: new EnvTokenSource(ACCEPTED), authHeader: 'x-lumos-token' });
});

afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT');
});

function captureLogs(): () => string {
  logger.setLogLevel('DEBUG');
  const lines: string[] = [];
  // Warnings and errors go to stderr, the rest to stdout.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  return () => lines.join('');
}

describe('credential logging', () => {
  it('logs a wrong credential with the header name only', async () => {
    // Prepare
    const logs = captureLogs();
    // Act
    const reply = await run(webhookRequest(preApprovalBody(), 'unused', { headers: { 'x-lumos-token': `Bearer ${WRONG}` } }));
    // Assess
    expect(reply).toEqual({ statusCode: 401, body: { error: 'unauthorized' } });
    expect(logs()).toContain('webhook call with a wrong credential');
    expect(logs()).toContain('x-lumos-token');
    expect(logs()).not.toContain(WRONG);
  });

  it('logs a missing credential, and a good one is never logged either', async () => {
    const logs = captureLogs();
    const refused = await run(webhookRequest(preApprovalBody(), 'unused', { headers: {} }));
    const accepted = await run(webhookRequest(preApprovalBody(), 'unused', { headers: { 'x-lumos-token': ACCEPTED } }));
    expect(refused.statusCode).toBe(401);
    expect(accepted.body).toMatchObject({ response: 'NOT_PREAPPROVED' });
    expect(logs()).toContain('webhook call without a credential');
    expect(logs()).toContain('webhook answered');
    expect(logs()).not.toContain(ACCEPTED);
  });
});
