/**
 * A loopback HTTP server that never finishes an answer: `silent` accepts each request and sends
 * nothing; `half_body` sends a 200, the headers and half the body it announced, then nothing
 * more. `nextRequest()` resolves when the next request arrives, so a test can force a garbage
 * collection while the caller is waiting (the timeouts under test must survive one).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallingServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Headers of every request received. */
  requests: IncomingHttpHeaders[];
  nextRequest(): Promise<void>;
  close(): Promise<void>;
}

export async function startStallingServer(mode: 'silent' | 'half_body', body = 'BEGIN:VCALENDAR\r\n'.repeat(64)): Promise<StallingServer> {
  const requests: IncomingHttpHeaders[] = [];
  let waiting: (() => void)[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    if (mode === 'half_body') {
      const bytes = Buffer.from(body);
      response.writeHead(200, { 'content-type': 'text/calendar', 'content-length': String(bytes.length) });
      response.write(bytes.subarray(0, bytes.length / 2));
    }
    const arrived = waiting;
    waiting = [];
    for (const resolve of arrived) resolve();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A full garbage collection now. Needs `node --expose-gc` (vitest.config.mts passes it); without
 * it the test fails rather than passing without having collected anything.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('global.gc is missing: run the tests with node --expose-gc');
  gc();
}
