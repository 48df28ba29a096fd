/**
 * A real HTTP server on 127.0.0.1 that stands in for a SaaS API in the source tests: it records
 * every request, answers through the stand-in's handler, and can be told to answer the next
 * requests otherwise (a 429 with Retry-After, a 401, a page that is not JSON).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface CannedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoopbackApi {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order, before the handler answers again. */
  next: CannedReply[];
  close(): Promise<void>;
}

export const json = (value: unknown, status = 200): CannedReply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

export async function startLoopbackApi(handle: (request: RecordedRequest) => CannedReply): Promise<LoopbackApi> {
  const requests: RecordedRequest[] = [];
  const next: CannedReply[] = [];
  const server: Server = createServer((incoming, response) => {
    incoming.resume();
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const request = { method: incoming.method ?? '', path: url.pathname, query: url.searchParams, headers: incoming.headers };
      requests.push(request);
      let reply: CannedReply;
      try {
        reply = next.shift() ?? handle(request);
      } catch {
        reply = { status: 500, body: 'stand-in failed' };
      }
      response.writeHead(reply.status, reply.headers).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    next,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether [start, end) overlaps [from, to), as the APIs filter on-calls by a window. */
export function overlapsWindow(start: string, end: string, from: string | null, to: string | null): boolean {
  return (to === null || Date.parse(start) < Date.parse(to)) && (from === null || Date.parse(end) > Date.parse(from));
}
