/**
 * `--connector-prefix`: the deployment's connector secret prefix (context `connectorSecretPrefix`),
 * which every source's secret must start with, as the state-sync function checks it.
 */
import type { Command } from 'commander';

export const DEFAULT_CONNECTOR_PREFIX = 'lumos-connectors/';

export interface SourceOptions {
  connectorPrefix?: string;
}

export function withConnectorPrefix(command: Command): Command {
  return command.option(
    '--connector-prefix <prefix>',
    `the connector secret prefix the sources' secrets must start with (default ${DEFAULT_CONNECTOR_PREFIX})`,
  );
}

export const connectorPrefixOf = (options: SourceOptions): string => options.connectorPrefix ?? DEFAULT_CONNECTOR_PREFIX;
