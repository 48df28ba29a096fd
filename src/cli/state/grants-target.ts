/** The options that name the grants (and audit) tables, spelt as lumos-rules spells its own. */
import type { Command } from 'commander';
import { resolveTables, type TablesTarget } from '../shared/table-target';

export interface GrantsTargetOptions {
  endpoint?: string;
  region?: string;
  stack?: string;
  grantsTable?: string;
  auditTable?: string;
}

export function withGrantsTargetOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'DynamoDB Local, as the `npm start` banner prints it (region "local", dummy credentials)')
    .option('--grants-table <name>', 'the grants table (with --endpoint)')
    .option('--audit-table <name>', 'the audit table (with --endpoint)')
    .option('--stack <name>', 'a deployed stack: table names from its outputs, credentials from the AWS SDK’s default chain')
    .option('--region <region>', 'the AWS region (default: AWS_REGION, or "local" with --endpoint)');
}

/** The grants table always; the audit table when given or in the stack's outputs. */
export function resolveGrantsTarget(options: GrantsTargetOptions): Promise<TablesTarget> {
  const { endpoint, region, stack, grantsTable, auditTable } = options;
  return resolveTables(
    {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
      ...(stack === undefined ? {} : { stack }),
      ...(grantsTable === undefined ? {} : { grantsTable }),
      ...(auditTable === undefined ? {} : { auditTable }),
    },
    'grantsTable',
  );
}
