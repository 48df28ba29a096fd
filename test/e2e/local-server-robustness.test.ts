/**
 * The local server against requests of every shape, over real loopback sockets: malformed
 * targets, any method, odd headers, aborted and trickling bodies, oversized bodies and a
 * handler that throws. None may crash it, leave a rejection unhandled or hang a client.
 */
import { Agent, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/http/pipeline';
import { createLocalServer } from '../../src/local/server';
import { replies } from '../../src/lumos/replies';

/** The body limit docs/contract.md gives: bodies over 256 KiB get 413. */
const LIMIT_BYTES = 256 * 1024;
const ok: Pipeline = async () => replies.preApproved();
const ROUTES = new Map<string, Pipeline>([
  ['/ok', ok],
  [
    '/throws',
    async () => {
      throw new Error('a bug in the handler');
    },
  ],
]);

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Writes raw bytes and collects everything until the server closes the connection (bounded).
 * It never half-closes: Node's server drops a pending reply when the client does.
 */
function raw(port: number, text: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let output = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(output)}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    socket.write(text);
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(response)?.[1]);

/** A POST with an http.Agent, reporting which local port (connection) carried it. */
function post(
  port: number,
  agent: Agent,
  body: Buffer | string,
): Promise<{ status: number; connection: string | undefined; text: string; localPort: number | undefined }> {
  return new Promise((resolve, reject) => {
    const call = request(
      { host: '127.0.0.1', port, path: '/ok', method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, text, localPort: call.socket?.localPort }),
        );
        response.on('error', reject);
      },
    );
    call.on('error', reject);
    call.setTimeout(10_000, () => call.destroy(new Error('timed out')));
    call.end(body);
  });
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.removeListener('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  // A rejection surfaces a tick or two after the request that caused it.
  for (let tick = 0; tick < 2; tick++) await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled.splice(0)).toEqual([]);
});

describe('local server, any request', () => {
  let server: Server;
  let port: number;

  beforeEach(async () => {
    server = createLocalServer(ROUTES);
    port = await listen(server);
  });
  afterEach(() => close(server));

  const stillAnswers = async () => {
    const response = await raw(port, 'POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(statusOf(response)).toBe(200);
  };

  it.each(['//[', '//[::1', 'http://[', '*', 'foo', '/%', '/%zz/ok', '//evil.example/ok', '/ok/../../x', '/\u00ff'])(
    'answers the request target %j with a 4xx and keeps serving',
    async (target) => {
      // Act
      const response = await raw(port, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      // Assess
      expect(statusOf(response)).toBeGreaterThanOrEqual(400);
      expect(statusOf(response)).toBeLessThan(500);
      await stillAnswers();
    },
  );

  it('routes an absolute-form target and one with a query like the path alone', async () => {
    for (const target of ['http://localhost/ok', '/ok?x=1', '/ok/']) {
      const response = await raw(port, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      expect(statusOf(response), target).toBe(200);
    }
  });

  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'FOO', 'PRI'])('answers the method %s and keeps serving', async (method) => {
    // Act
    const response = await raw(port, `${method} /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    // Assess
    expect(statusOf(response)).toBeGreaterThanOrEqual(200);
    await stillAnswers();
  });

  it.each([
    ['an upgrade request', 'Upgrade: websocket\r\nConnection: Upgrade, close\r\n'],
    ['a repeated credential', 'Authorization: a\r\nAuthorization: b\r\n'],
    ['a header without a value', 'X-Empty:\r\n'],
    ['a header line without a colon', 'nonsense\r\n'],
    ['a content length that is not a number', 'Content-Length: lots\r\n'],
    ['two content lengths that disagree', 'Content-Length: 1\r\nContent-Length: 2\r\n'],
    ['a broken chunked body', 'Transfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['headers over 16 KiB', `X-Big: ${'a'.repeat(20_000)}\r\n`],
    ['an expectation the server does not know', 'Expect: teapot\r\n'],
  ])('answers %s and keeps serving', async (_name, headers) => {
    // Act
    const closing = headers.includes('Connection:') ? '' : 'Connection: close\r\n';
    const response = await raw(port, `POST /ok HTTP/1.1\r\nHost: x\r\n${closing}${headers}${headers.includes('\r\n\r\n') ? '' : '\r\n'}`);
    // Assess: a reply or a closed connection, and the server still there
    if (response !== '') expect(statusOf(response)).toBeGreaterThanOrEqual(200);
    await stillAnswers();
  });

  it('survives a client that goes away in the middle of its body', async () => {
    // Act
    for (let i = 0; i < 5; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // The server has read the headers (and is waiting for the rest of the body) when it emits `request`.
      const reading = new Promise<void>((resolve) => server.once('request', () => resolve()));
      socket.write('POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"half":');
      await reading;
      if (i % 2 === 0) socket.destroy();
      else socket.resetAndDestroy();
    }
    // Assess
    await stillAnswers();
  });

  it('answers a handler that throws as API Gateway answers a failed function, and keeps serving', async () => {
    // Act
    const response = await raw(port, 'POST /throws HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    // Assess
    expect(statusOf(response)).toBe(502);
    expect(response).toContain('{"message":"Internal server error"}');
    await stillAnswers();
  });
});

describe('local server, a body over the limit', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createLocalServer(ROUTES);
    port = await listen(server);
  });
  afterAll(() => close(server));

  it.each([LIMIT_BYTES + 1, 5 * 1024 * 1024])(
    'answers 413 with Connection: close, readable in full, and a keep-alive agent goes on over a new connection (%i bytes)',
    async (size) => {
      // Prepare: one socket at most, so the follow-up would reuse a connection left open
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let round = 0; round < 5; round++) {
          // Act
          const tooLarge = await post(port, agent, Buffer.alloc(size, 'x'));
          const next = await post(port, agent, '{}');
          // Assess
          expect(tooLarge.status).toBe(413);
          expect(tooLarge.connection).toBe('close');
          expect(JSON.parse(tooLarge.text)).toEqual({ error: 'payload_too_large', limit_bytes: LIMIT_BYTES });
          expect(next.status).toBe(200);
          expect(next.localPort).not.toBe(tooLarge.localPort);
        }
      } finally {
        agent.destroy();
      }
    },
  );

  it('answers 413 to fetch too, which then posts again without a reset', async () => {
    for (let round = 0; round < 5; round++) {
      // Act
      const tooLarge = await fetch(`http://127.0.0.1:${port}/ok`, { method: 'POST', body: 'x'.repeat(2 * LIMIT_BYTES) });
      const text = await tooLarge.text();
      const next = await fetch(`http://127.0.0.1:${port}/ok`, { method: 'POST', body: '{}' });
      // Assess
      expect([tooLarge.status, tooLarge.headers.get('connection'), JSON.parse(text)]).toEqual([
        413,
        'close',
        { error: 'payload_too_large', limit_bytes: LIMIT_BYTES },
      ]);
      expect(next.status).toBe(200);
      await next.text();
    }
  });
});

describe('local server timeouts', () => {
  it('default to 30 s for headers and for the whole request, with a short keep-alive', () => {
    // Prepare / Act
    const server = createLocalServer(ROUTES);
    // Assess
    expect(server.headersTimeout).toBe(30_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBeLessThanOrEqual(30_000);
    expect(server.keepAliveTimeout).toBeGreaterThan(0);
  });

  // Each waits for a timeout of its own: they run at once.
  describe.concurrent('with 1 s timeouts', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = createLocalServer(ROUTES, { headersTimeoutMs: 1_000, requestTimeoutMs: 1_000 });
      port = await listen(server);
    });
    afterAll(() => close(server));

    /** Sends `head`, then one byte of `trickle` every 200 ms, until the server closes the connection. */
    function trickle(head: string, byte: string): Promise<{ output: string; ms: number }> {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const socket = connect(port, '127.0.0.1');
        let output = '';
        const timer = setInterval(() => {
          if (Date.now() - started > 8_000) {
            socket.destroy();
            reject(new Error('the server held the connection for 8 s'));
          } else if (socket.writable) socket.write(byte);
        }, 200);
        socket.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
        socket.on('error', () => {});
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ output, ms: Date.now() - started });
        });
        socket.write(head);
      });
    }

    it('cuts off a body that trickles slower than the request timeout', async () => {
      // Act: 100 bytes announced, one sent every 200 ms (it would take 20 s)
      const { output, ms } = await trickle('POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', 'a');
      // Assess
      expect(statusOf(output)).toBe(408);
      expect(ms).toBeLessThan(3_000);
      const response = await raw(port, 'POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
      expect(statusOf(response)).toBe(200);
    });

    it('cuts off headers that trickle slower than the headers timeout', async () => {
      // Act
      const { output, ms } = await trickle('POST /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'a');
      // Assess
      expect(statusOf(output)).toBe(408);
      expect(ms).toBeLessThan(3_000);
    });

    it('does not cut off a request that arrived in time while its handler works', async () => {
      // Prepare: a handler slower than the request timeout
      const slow = createLocalServer(
        new Map<string, Pipeline>([['/slow', async () => new Promise((resolve) => setTimeout(() => resolve(replies.preApproved()), 1_500))]]),
        { headersTimeoutMs: 1_000, requestTimeoutMs: 1_000 },
      );
      const slowPort = await listen(slow);
      try {
        // Act
        const response = await raw(slowPort, 'POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
        // Assess
        expect(statusOf(response)).toBe(200);
      } finally {
        await close(slow);
      }
    });
  });
});
