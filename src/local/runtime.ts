/**
 * Everything `npm start` runs, as a function the end-to-end tests call too: DynamoDB Local,
 * tables from the shared definitions, the seed, then the HTTP server.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../app/config';
import { createDependencies } from '../app/dependencies';
import { SCHEDULED_FUNCTIONS } from '../app/functions';
import { buildPipeline } from '../app/lambda';
import { runScheduled } from '../app/scheduled';
import type { Pipeline } from '../http/pipeline';
import type { ScheduledService } from '../kernel/scheduled-service';
import { createTables } from '../store/create-tables';
import { createDocumentClient } from '../store/dynamo-client';
import type { TableDefinition } from '../store/table-definitions';
import { type ProcessExit, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { LOCAL_ROUTES } from './routes';
import { seed } from './seed';
import { createLocalServer, type LocalServerOptions } from './server';

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  port: number;
  token?: string;
  /** An already running DynamoDB (Local) instead of starting one. */
  dynamoEndpoint?: string;
  /** Where to start DynamoDB Local; default 8000 if free, else any free port. */
  dynamoPort?: number;
  tablePrefix?: string;
  /** Other settings (AUTH_HEADER, RULE_CACHE_SECONDS, ...), as in Lambda. */
  env?: NodeJS.ProcessEnv;
  /** The HTTP server's timeouts; default 30 s for headers and for a whole request. */
  server?: LocalServerOptions;
  /** Seconds between runs of each scheduled function (the expiry sweeper, the state sync); default `SWEEP_SECONDS` from `env`, else 60; 0: never. */
  sweepSeconds?: number;
  /** The functions' clock; default the real one (a test moves it on instead of waiting for a grant to expire). */
  now?: () => Date;
}

export const DEFAULT_SWEEP_SECONDS = 60;

export interface LocalRuntime {
  baseUrl: string;
  token: string;
  dynamoEndpoint: string;
  tables: Record<TableDefinition['envVar'], string>;
  paths: string[];
  /** Seconds between runs of the scheduled functions (0: they do not run). */
  sweepSeconds: number;
  /** Where the state sync reads its sources' secrets (`SOURCE_SECRET_PREFIX`, default `lumos-sources/`). */
  sourceSecretPrefix: string;
  /** Settles if the DynamoDB Local we started exits on its own; never for `dynamoEndpoint` or after `stop()`. */
  dynamoExited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const prefix = options.tablePrefix ?? 'lumos-';
  let dynamo: RunningDynamoDb | undefined;
  if (!options.dynamoEndpoint) dynamo = await startDynamoDbLocal(options.dynamoPort);
  const dynamoEndpoint = options.dynamoEndpoint ?? (dynamo as RunningDynamoDb).endpoint;

  try {
    const tables = await createTables(dynamoEndpoint, prefix);
    const documents = createDocumentClient(dynamoEndpoint);
    await seed(documents, { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
    documents.destroy();

    const config = loadConfig({ ...options.env, ...tables, LUMOS_WEBHOOK_TOKEN: token, TOKEN_SECRET_ID: undefined });
    const deps = createDependencies(config, dynamoEndpoint, options.now);
    const routes = new Map<string, Pipeline>(LOCAL_ROUTES.map((route) => [route.path, buildPipeline(deps, route.service(deps))]));
    const server = createLocalServer(routes, options.server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const sweepSeconds = options.sweepSeconds ?? sweepSecondsFrom(options.env?.SWEEP_SECONDS);
    const timers = sweepSeconds > 0 ? SCHEDULED_FUNCTIONS.map((spec) => every(sweepSeconds, spec.service(deps), spec.timeoutSeconds)) : [];
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      token,
      dynamoEndpoint,
      tables,
      paths: [...routes.keys()],
      sweepSeconds,
      sourceSecretPrefix: config.SOURCE_SECRET_PREFIX,
      dynamoExited: dynamo?.unexpectedExit ?? new Promise<ProcessExit>(() => {}),
      stop: async () => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}

/** `SWEEP_SECONDS`: a whole number of seconds, 0 to turn the scheduled functions off; anything else is refused at start. */
function sweepSecondsFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_SWEEP_SECONDS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400)
    throw new Error(`SWEEP_SECONDS must be a whole number of seconds from 0 to 86400, not ${JSON.stringify(value)}`);
  return seconds;
}

/** Runs a scheduled service every `seconds`, one run at a time (a long run delays the next rather than overlapping it). */
function every(seconds: number, service: ScheduledService, timeoutSeconds: number): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runScheduled(service, { runId: `local-${randomBytes(6).toString('hex')}`, budgetMs: timeoutSeconds * 1000 })
      .catch(() => {
        // Logged by runScheduled; the next tick tries again, as the next scheduled run would.
      })
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  timer.unref();
  return timer;
}
