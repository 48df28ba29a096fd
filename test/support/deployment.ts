/** A function's dependencies on fresh tables of the shared DynamoDB Local, as a deployment would wire them. */

import { loadConfig } from '../../src/app/config';
import { createDependencies, type Dependencies } from '../../src/app/dependencies';
import { buildPipeline } from '../../src/app/lambda';
import type { Pipeline } from '../../src/http/pipeline';
import { seed } from '../../src/local/seed';
import type { KindService } from '../../src/services/kind-service';
import { createTestTables, type TableNames, testDocumentClient } from './tables';

export interface TestDeployment {
  endpoint: string;
  tables: TableNames;
  deps: Dependencies;
  /** The pipeline of one kind's service, as its handler builds it. */
  pipeline(service: (deps: Dependencies) => KindService): Pipeline;
}

/** `seeded`: with the demo rules and state `npm start` loads; `env`: further settings; `now`: the clock of every call (the ledger's times and each call's deadline). */
export async function testDeployment(
  token: string,
  options: { seeded?: boolean; env?: Record<string, string>; now?: () => Date } = {},
): Promise<TestDeployment> {
  const { endpoint, tables } = await createTestTables();
  if (options.seeded) await seed(testDocumentClient(), { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
  const deps = createDependencies(loadConfig({ ...tables, LUMOS_WEBHOOK_TOKEN: token, ...options.env }), endpoint, options.now);
  return { endpoint, tables, deps, pipeline: (service) => buildPipeline(deps, service(deps)) };
}
