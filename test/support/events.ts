import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { WebhookRequest } from '../../src/http/pipeline';

/** Request ids unique within the run: the worker's pid and a count, no random choice. */
let requests = 0;
const nextRequestId = (): string => `req-${process.pid}-${++requests}`;

export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'lumos', name), 'utf8')) as Record<string, unknown>;

/** The docs' pre-approval example with another person, access length or fields. */
export function preApprovalBody(overrides: { email?: string; access_length?: number | null } = {}): Record<string, unknown> {
  const body = fixture('pre-approval.json');
  if (overrides.email !== undefined) {
    for (const key of ['requester_user', 'target_user', 'account']) (body[key] as { email: string }).email = overrides.email;
  }
  if (overrides.access_length !== undefined) body.access_length = overrides.access_length;
  return body;
}

export function webhookRequest(body: unknown, token: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestId: nextRequestId(),
    ...overrides,
  };
}

export function proxyEvent(body: string, headers: Record<string, string>, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/pre-approval',
    resource: '/pre-approval',
    headers,
    multiValueHeaders: {},
    body,
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: nextRequestId() } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}
