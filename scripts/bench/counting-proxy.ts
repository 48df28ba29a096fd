/**
 * A loopback HTTP proxy in front of DynamoDB Local that counts requests by `x-amz-target`
 * (e.g. `DynamoDB_20120810.Query`) and table, so the bench counts real calls, not SDK method calls.
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  endpoint: string;
  /** Calls since the last reset, keyed `Operation table`. */
  counts(): Map<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

const operationOf = (target: string | string[] | undefined) => (typeof target === 'string' ? (target.split('.').pop() ?? target) : 'unknown');

function tableOf(body: Buffer): string {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const name = typeof parsed === 'object' && parsed !== null ? (parsed as { TableName?: unknown }).TableName : undefined;
    return typeof name === 'string' ? name : '-';
  } catch {
    return '-';
  }
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  let counts = new Map<string, number>();

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => {
    const key = `${operationOf(incoming.headers['x-amz-target'])} ${tableOf(body)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstreamRequest = request(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    upstreamRequest.once('error', () => outgoing.destroy());
    upstreamRequest.end(body);
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => forward(incoming, outgoing, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => new Map(counts),
    reset: () => {
      counts = new Map();
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
