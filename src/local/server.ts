/**
 * A plain HTTP server that turns each request into what API Gateway would hand the function,
 * so `npm start` runs the same pipeline as Lambda does. No request, however malformed, may
 * crash it: every failure becomes a reply or a closed connection.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pipeline } from '../http/pipeline';
import { logger } from '../kernel/logger';
import { MAX_BODY_BYTES, type Reply, replies } from '../lumos/replies';

export interface LocalServerOptions {
  /** Time allowed to receive a request's headers (Node's default is 60 s). */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request, body included (Node's default, 300 s, holds a slow body for minutes). */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs?: number;
}

export const LOCAL_SERVER_DEFAULTS: Required<LocalServerOptions> = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** How much of an oversized body is read and discarded so the 413 reaches the client; past this the connection is cut. */
const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;

/** What API Gateway answers when the function itself fails: its reply, not one of ours. */
const FUNCTION_FAILED = { statusCode: 502, body: { message: 'Internal server error' } } as const;
type Sent = Reply | typeof FUNCTION_FAILED;

type Body = { kind: 'read'; text: string } | { kind: 'too_large'; discarded: Promise<void> };

/**
 * Reads the body up to `limit` bytes. Past that it keeps reading and discarding until the client
 * has sent it all (`discarded`): a socket closed with unread data is reset by the kernel, and
 * the client would get ECONNRESET instead of the 413. Rejects when the client goes away.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let discardedResolve = () => {};
    const discarded = new Promise<void>((done) => (discardedResolve = done));
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (tooLarge) {
        if (size > limit + DISCARD_LIMIT_BYTES) discardedResolve();
        return;
      }
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      tooLarge = true;
      chunks.length = 0;
      resolve({ kind: 'too_large', discarded });
    });
    request.once('end', () => {
      discardedResolve();
      resolve({ kind: 'read', text: Buffer.concat(chunks).toString('utf8') });
    });
    // After 'end' these settle nothing; before it, the client went away or timed out.
    const gone = () => {
      discardedResolve();
      reject(new Error('the request ended before its body'));
    };
    request.once('error', gone);
    request.once('close', gone);
  });
}

/**
 * The path of an origin-form target (`/pre-approval?x`) as written, or of an absolute-form one
 * (`http://host/pre-approval`); undefined for anything else (`*`, `//[` resolved as a URL, ...).
 */
function pathOf(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  if (target.startsWith('/')) return (target.split(/[?#]/, 1)[0] ?? '').replace(/\/+$/, '');
  try {
    return new URL(target).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

function serialize(reply: Sent): { body: string; headers: Record<string, string | number> } {
  if (reply.body === undefined) return { body: '', headers: {} };
  const body = JSON.stringify(reply.body);
  return { body, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } };
}

function send(response: ServerResponse, reply: Sent): void {
  const { body, headers } = serialize(reply);
  response.writeHead(reply.statusCode, headers).end(body);
}

/**
 * Sends the whole reply at once, so the client can read it, but ends the response (which closes
 * the connection, `Connection: close`) only once the rest of the body has been discarded.
 */
function sendThenClose(response: ServerResponse, reply: Reply, discarded: Promise<void>): void {
  const { body, headers } = serialize(reply);
  response.writeHead(reply.statusCode, { ...headers, connection: 'close' }).write(body);
  void discarded.then(() => response.end());
}

async function handle(routes: ReadonlyMap<string, Pipeline>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = pathOf(request.url);
  const pipeline = path === undefined ? undefined : routes.get(path);
  if (!pipeline) {
    request.resume();
    send(response, path === undefined ? replies.badRequest() : replies.notFound());
    return;
  }
  let body: Body;
  try {
    body = await readBody(request, MAX_BODY_BYTES);
  } catch {
    // The client went away or was cut off by the request timeout: there is no one to answer.
    if (!response.headersSent && !response.destroyed) send(response, replies.badRequest());
    return;
  }
  if (body.kind === 'too_large') {
    sendThenClose(response, replies.payloadTooLarge(), body.discarded);
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const reply = await pipeline({
    method: request.method ?? 'GET',
    headers,
    body: body.text,
    isBase64Encoded: false,
    requestId: randomUUID(),
  });
  send(response, reply);
}

/** A raw 405 for CONNECT, which Node hands over as a bare socket rather than a request. */
function refuseConnect(socket: Duplex): void {
  const { body, headers } = serialize(replies.methodNotAllowed());
  const head = Object.entries({ ...headers, connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\n${head.join('')}\r\n${body}`);
}

export function createLocalServer(routes: ReadonlyMap<string, Pipeline>, options: LocalServerOptions = {}): Server {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = { ...LOCAL_SERVER_DEFAULTS, ...options };
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // Node checks both timeouts only this often (default 30 s, which would double them).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 4))),
    },
    (request, response) => {
      handle(routes, request, response).catch((error: unknown) => {
        // A pipeline that throws is a bug; answer as API Gateway would when the function fails.
        logger.error('local server: request failed', { error: error instanceof Error ? error.name : typeof error });
        if (!response.headersSent && !response.destroyed) send(response, FUNCTION_FAILED);
        else response.destroy();
      });
    },
  );
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => refuseConnect(socket));
  return server;
}
