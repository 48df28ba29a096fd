/** The options that name the tables, spelt the same for every table command. */
import type { Command } from 'commander';
import type { TargetOptions } from './target';

export function withTargetOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'DynamoDB Local, as the `npm start` banner prints it (region "local", dummy credentials)')
    .option('--rules-table <name>', 'the rules table (with --endpoint)')
    .option('--audit-table <name>', 'the audit table, for the replay of past decisions (with --endpoint)')
    .option('--state-table <name>', 'the state table, for live on-call and training (with --endpoint)')
    .option('--stack <name>', 'a deployed stack: table names from its outputs, credentials from the AWS SDK’s default chain')
    .option('--region <region>', 'the AWS region (default: AWS_REGION, or "local" with --endpoint)');
}

export const targetOptions = (options: TargetOptions): TargetOptions => ({
  ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  ...(options.region === undefined ? {} : { region: options.region }),
  ...(options.stack === undefined ? {} : { stack: options.stack }),
  ...(options.rulesTable === undefined ? {} : { rulesTable: options.rulesTable }),
  ...(options.auditTable === undefined ? {} : { auditTable: options.auditTable }),
  ...(options.stateTable === undefined ? {} : { stateTable: options.stateTable }),
});
