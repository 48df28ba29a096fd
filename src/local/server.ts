/**
 * A plain HTTP server that turns each request into what API Gateway would hand the function,
 * so `npm start` runs the same pipeline as Lambda does.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Pipeline } from '../http/pipeline';
import { MAX_BODY_BYTES, replies, type Reply } from '../lumos/replies';

/** Reads at most `limit + 1` bytes; more means 413 without buffering the rest. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) return 'too_large';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    response.writeHead(reply.statusCode).end();
    return;
  }
  const body = JSON.stringify(reply.body);
  response.writeHead(reply.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

export function createLocalServer(routes: ReadonlyMap<string, Pipeline>): Server {
  return createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const pipeline = routes.get(path);
    if (!pipeline) {
      request.resume();
      send(response, replies.notFound());
      return;
    }
    try {
      const body = await readBody(request, MAX_BODY_BYTES);
      if (body === 'too_large') {
        send(response, replies.payloadTooLarge());
        request.destroy();
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const reply = await pipeline({
        method: request.method ?? 'GET',
        headers,
        body,
        isBase64Encoded: false,
        requestId: randomUUID(),
      });
      send(response, reply);
    } catch {
      // The pipeline answers every failure itself; this is a client that went away mid-body.
      if (!response.headersSent) send(response, replies.badRequest());
    }
  });
}
