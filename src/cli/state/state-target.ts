/** The options that name the state table, spelt as the other commands spell theirs. */
import type { Command } from 'commander';
import { resolveTables, type TablesTarget } from '../shared/table-target';

export interface StateTargetOptions {
  endpoint?: string;
  region?: string;
  stack?: string;
  stateTable?: string;
}

export function withStateTargetOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'DynamoDB Local, as the `npm start` banner prints it (region "local", dummy credentials)')
    .option('--state-table <name>', 'the state table (with --endpoint)')
    .option('--stack <name>', 'a deployed stack: table names from its outputs, credentials from the AWS SDK’s default chain')
    .option('--region <region>', 'the AWS region (default: AWS_REGION, or "local" with --endpoint)');
}

export function resolveStateTarget(options: StateTargetOptions): Promise<TablesTarget> {
  const { endpoint, region, stack, stateTable } = options;
  return resolveTables(
    {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
      ...(stack === undefined ? {} : { stack }),
      ...(stateTable === undefined ? {} : { stateTable }),
    },
    'stateTable',
  );
}
