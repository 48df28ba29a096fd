/** API Gateway REST proxy events in, proxy results out. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Reply } from '../lumos/replies';
import type { WebhookRequest } from './pipeline';

export function fromProxyEvent(event: APIGatewayProxyEvent, requestId: string, remainingMs?: number): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: event.httpMethod ?? 'GET',
    headers,
    body: event.body ?? null,
    isBase64Encoded: event.isBase64Encoded === true,
    requestId,
    ...(remainingMs === undefined ? {} : { remainingMs }),
  };
}

export function toProxyResult(reply: Reply): APIGatewayProxyResult {
  if (reply.body === undefined) return { statusCode: reply.statusCode, body: '' };
  return {
    statusCode: reply.statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(reply.body),
  };
}
