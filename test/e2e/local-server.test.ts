/** The local runtime over real HTTP, as Lumos would call it. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../src/local/runtime';
import { fixture, preApprovalBody } from '../support/events';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    token: 'e2e-token-0123456789',
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: `e2e${Date.now()}-`,
  });
});
afterAll(() => runtime.stop());

async function post(path: string, body: string | object, headers: Record<string, string> = { authorization: `Bearer ${runtime.token}` }) {
  const response = await fetch(`${runtime.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('local pre-approval endpoint over HTTP', () => {
  it('answers PREAPPROVED for the docs example (seeded on-call shift and rule)', async () => {
    const { status, json } = await post('/pre-approval', fixture('pre-approval.json'));
    expect(status).toBe(200);
    expect(json.response).toBe('PREAPPROVED');
  });

  it('answers NOT_PREAPPROVED for someone else', async () => {
    const { status, json } = await post('/pre-approval', preApprovalBody({ email: 'maryjane@lumos.com' }));
    expect(status).toBe(200);
    expect(json.response).toBe('NOT_PREAPPROVED');
  });

  it('answers 401 without detail for a missing or wrong credential', async () => {
    expect(await post('/pre-approval', fixture('pre-approval.json'), {})).toEqual({ status: 401, json: { error: 'unauthorized' } });
    expect(await post('/pre-approval', fixture('pre-approval.json'), { authorization: 'Bearer wrong' })).toEqual({
      status: 401,
      json: { error: 'unauthorized' },
    });
  });

  it('answers 400 for a body that is not a JSON object, still readable by Lumos', async () => {
    for (const body of ['{"application":', '[1,2]', 'null']) {
      const { status, json } = await post('/pre-approval', body);
      expect(status).toBe(400);
      expect(json).toMatchObject({ error: 'invalid_json', response: 'NOT_PREAPPROVED' });
    }
  });

  it('answers 422 with the path of each problem', async () => {
    const { status, json } = await post('/pre-approval', fixture('invalid/missing-app-id.json'));
    expect(status).toBe(422);
    expect(json).toEqual({
      error: 'invalid_payload',
      issues: [{ path: 'application.app_id', message: 'required' }],
      response: 'NOT_PREAPPROVED',
    });
  });

  it('answers 413 for a body over 256 KiB', async () => {
    const { status, json } = await post('/pre-approval', { padding: 'x'.repeat(256 * 1024) });
    expect(status).toBe(413);
    expect(json.error).toBe('payload_too_large');
  });

  it('answers 405 for another method and 404 for another path', async () => {
    const get = await fetch(`${runtime.baseUrl}/pre-approval`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: 'method_not_allowed' });
    const { status } = await post('/nowhere', {});
    expect(status).toBe(404);
  });
});

describe('local request-validation endpoint over HTTP', () => {
  it('passes the docs example: the target finished Security Awareness 30 days ago', async () => {
    const { status, json } = await post('/request-validation', fixture('pre-approval.json'));
    expect(status).toBe(200);
    expect(json.response).toBe('VALIDATION_PASSED');
  });

  it('blocks someone without the training, with a message saying what to do', async () => {
    const { status, json } = await post('/request-validation', preApprovalBody({ email: 'maryjane@lumos.com' }));
    expect(status).toBe(200);
    expect(json).toMatchObject({
      response: 'VALIDATION_FAILED',
      message: 'Complete the Security Awareness training (security-awareness) before requesting Demo App.',
    });
  });

  it('answers 401, 400 and 422 as the contract says, still readable by Lumos', async () => {
    expect(await post('/request-validation', fixture('pre-approval.json'), { authorization: 'Bearer wrong' })).toEqual({
      status: 401,
      json: { error: 'unauthorized' },
    });
    const invalidJson = await post('/request-validation', '{"oops"');
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.json).toMatchObject({ error: 'invalid_json', response: 'VALIDATION_FAILED', message: expect.any(String) });
    const invalid = await post('/request-validation', fixture('invalid/missing-app-id.json'));
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({ error: 'invalid_payload', issues: [{ path: 'application.app_id' }], response: 'VALIDATION_FAILED' });
  });
});

describe('local provisioning and deprovisioning endpoints over HTTP', () => {
  const body = () => fixture('provisioning.json');

  it('provisions the docs example once, then deprovisions it, each call answered 204 twice', async () => {
    const call = async (path: string) => {
      const response = await fetch(`${runtime.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body()),
      });
      return { status: response.status, text: await response.text() };
    };
    expect(await call('/provisioning')).toEqual({ status: 204, text: '' });
    expect(await call('/provisioning')).toEqual({ status: 204, text: '' });
    expect(await call('/deprovisioning')).toEqual({ status: 204, text: '' });
    expect(await call('/deprovisioning')).toEqual({ status: 204, text: '' });
  });

  it('answers NO_PROVISIONING_ACTION for an app without a provisioning rule', async () => {
    const { status, json } = await post('/provisioning', { ...body(), application: { app_id: 'other_app' } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ response: 'NO_PROVISIONING_ACTION' });
  });

  it('answers 401 and 422 as the contract says', async () => {
    expect((await post('/deprovisioning', body(), {})).status).toBe(401);
    const noSubject = await post('/provisioning', { ...body(), target_user: null, requester_user: { email: 'someone@lumos.com' } });
    expect(noSubject.status).toBe(422);
    expect(noSubject.json).toMatchObject({ error: 'invalid_payload', issues: [{ path: 'target_user.email' }] });
    expect(noSubject.json).not.toHaveProperty('response');
  });
});
