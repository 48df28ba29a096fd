/**
 * A loopback proxy in front of DynamoDB Local, for races: a command pointed at it (`--endpoint`)
 * runs as usual, and the test acts at one exact point between two of its calls. Before forwarding
 * the first request a hook's `when` matches (the operation, from `X-Amz-Target`, and the body),
 * the proxy awaits the hook, so "a sync wrote this after the import read and before it wrote"
 * happens there and only there, with no sleeps.
 */
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoProxyHook {
  when(operation: string, body: string): boolean;
  run(): Promise<void>;
}

export interface DynamoProxy {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Each request's operation (`Query`, `PutItem`, …), in order. */
  operations: string[];
  /** Runs `hook.run` once, before the first matching request goes on; `ran()` says whether it has. */
  before(hook: DynamoProxyHook): { ran(): boolean };
  /** Drops the hooks that have not run (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startDynamoProxy(dynamoEndpoint: string): Promise<DynamoProxy> {
  const target = new URL(dynamoEndpoint);
  const operations: string[] = [];
  const hooks: DynamoProxyHook[] = [];
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').replace(/^.*\./, '');
      operations.push(operation);
      const index = hooks.findIndex((hook) => hook.when(operation, body.toString('utf8')));
      const hook = index < 0 ? undefined : hooks.splice(index, 1)[0];
      void (hook?.run() ?? Promise.resolve()).then(
        () => {
          const outgoing = forward(
            { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
            (reply) => {
              response.writeHead(reply.statusCode ?? 502, reply.headers);
              reply.pipe(response);
            },
          );
          outgoing.on('error', () => response.writeHead(502).end());
          outgoing.end(body);
        },
        () => response.writeHead(500).end('hook failed'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    operations,
    before: (hook) => {
      hooks.push(hook);
      return { ran: () => !hooks.includes(hook) };
    },
    reset: () => {
      hooks.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
