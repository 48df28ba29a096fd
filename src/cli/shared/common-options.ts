/** The options every command takes, spelt and explained the same everywhere. */
import type { Command } from 'commander';

export interface CommonOptions {
  json?: boolean;
  strict?: boolean;
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print one JSON document on stdout instead of the summary');
}

export function withCommonOptions(command: Command): Command {
  return withJsonOption(command).option('--strict', 'fail (exit 1) on warnings too');
}
