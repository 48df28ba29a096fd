import { describe, expect, it } from 'vitest';
import { WEBHOOK_KINDS } from '../../../src/lumos/payload';
import { replies } from '../../../src/lumos/replies';

describe('reply vocabulary', () => {
  it('answers pre-approval with the documented flat envelope', () => {
    expect(replies.preApproved()).toEqual({ statusCode: 200, body: { response: 'PREAPPROVED' } });
    expect(replies.notPreApproved()).toEqual({ statusCode: 200, body: { response: 'NOT_PREAPPROVED' } });
  });

  it('answers provisioning and deprovisioning success with an empty 204', () => {
    expect(replies.provisioned()).toEqual({ statusCode: 204 });
    expect(replies.deprovisioned()).toEqual({ statusCode: 204 });
  });

  it('fails every kind to its safe side when the check cannot run', () => {
    // Prepare / Act
    const failures = Object.fromEntries(WEBHOOK_KINDS.map((kind) => [kind, replies.failure(kind, 'store_unavailable')]));
    // Assess
    expect(failures.pre_approval).toMatchObject({ statusCode: 200, body: { response: 'NOT_PREAPPROVED' } });
    expect(failures.request_validation).toMatchObject({ statusCode: 200, body: { response: 'VALIDATION_FAILED' } });
    expect(failures.request_validation?.body?.message).toMatch(/could not be checked/);
    expect(failures.provisioning).toMatchObject({ statusCode: 502, body: { response: 'PROVISIONING_FAILED' } });
    expect(failures.deprovisioning).toMatchObject({ statusCode: 502, body: { response: 'DEPROVISIONING_FAILED' } });
  });

  it('gives pre-approval and request validation a readable response even for bad input', () => {
    expect(replies.invalidJson('pre_approval', 'x').body).toMatchObject({ error: 'invalid_json', response: 'NOT_PREAPPROVED' });
    expect(replies.invalidPayload('request_validation', []).body).toMatchObject({ error: 'invalid_payload', response: 'VALIDATION_FAILED' });
    expect(replies.invalidPayload('provisioning', []).body).not.toHaveProperty('response');
  });
});
