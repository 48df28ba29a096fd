/**
 * Where the sources' secrets are, for `lumos-state sync` and `sources`: the deployment's source
 * secret prefix (context `sourceSecretPrefix`), which every source's secret must start with, as
 * the state-sync function checks it. With `--stack` it is the stack's `SourceSecretPrefix` output
 * (and `LegacySourceSecretPrefix` during an upgrade); with `--endpoint`, `lumos-sources/` as
 * `npm start` uses it. `--source-prefix` overrides either. `--connector-prefix` is its old name,
 * from when sources and provisioners shared one prefix: still taken, with a warning.
 */
import type { Command } from 'commander';
import { LOCAL_SOURCE_SECRET_PREFIX, secretPrefixProblem } from '../../store/secret-prefix';
import type { SourceSecretPrefixes } from '../../sync/source-secret-prefixes';
import type { Io } from '../shared/io';
import type { OpenTables } from '../shared/open-tables';
import { TableError } from '../shared/table-error';
import { printed } from '../shared/terminal-text';
import { UsageError } from '../shared/usage-error';

/** The stack outputs lib/webhook-stack.ts writes. */
export const SOURCE_PREFIX_OUTPUT = 'SourceSecretPrefix';
export const LEGACY_SOURCE_PREFIX_OUTPUT = 'LegacySourceSecretPrefix';

export interface SourcePrefixFlags {
  sourcePrefix?: string;
  legacySourcePrefix?: string;
  /** Deprecated: `--source-prefix`. */
  connectorPrefix?: string;
}

/** The prefixes given on the command line, checked; the stack's outputs fill in the others when the tables are known. */
export interface SourcePrefixOptions {
  current?: string;
  legacy?: string;
}

export function withSourcePrefixOptions(command: Command): Command {
  return command
    .option(
      '--source-prefix <prefix>',
      `the prefix the sources' secrets must start with (default: the stack's ${SOURCE_PREFIX_OUTPUT} output with --stack, ${LOCAL_SOURCE_SECRET_PREFIX} with --endpoint)`,
    )
    .option(
      '--legacy-source-prefix <prefix>',
      `while moving the sources' secrets: the old prefix, still accepted (default: the stack's ${LEGACY_SOURCE_PREFIX_OUTPUT} output, if any)`,
    )
    .option('--connector-prefix <prefix>', 'deprecated: the old name of --source-prefix');
}

/** The prefixes the flags give, each refused when it would accept any secret; the deprecated flag is named on stderr. */
export function sourcePrefixOptions(flags: SourcePrefixFlags, io: Pick<Io, 'stderr'>): SourcePrefixOptions {
  const { sourcePrefix, connectorPrefix, legacySourcePrefix } = flags;
  if (connectorPrefix !== undefined && sourcePrefix !== undefined) throw new UsageError('give --source-prefix, not also --connector-prefix (its old name)');
  if (connectorPrefix !== undefined)
    io.stderr(printed`lumos-state: --connector-prefix is deprecated: source secrets have their own prefix now; use --source-prefix\n`);
  const current = sourcePrefix !== undefined ? flagged('--source-prefix', sourcePrefix) : flagged('--connector-prefix', connectorPrefix);
  const legacy = flagged('--legacy-source-prefix', legacySourcePrefix);
  return { ...(current === undefined ? {} : { current }), ...(legacy === undefined ? {} : { legacy }) };
}

/** The prefixes a command checks the sources' secrets against: the flags', else the stack's outputs, else the local one. */
export function sourcePrefixesOf(options: SourcePrefixOptions, stack: string | undefined, db: Pick<OpenTables, 'stackOutputs'>): SourceSecretPrefixes {
  const outputs = stack === undefined ? {} : db.stackOutputs;
  const current = options.current ?? fromOutput(SOURCE_PREFIX_OUTPUT, outputs);
  if (current === undefined && stack !== undefined) {
    throw new TableError(
      `stack ${stack} has no ${SOURCE_PREFIX_OUTPUT} output (deployed before source secrets had their own prefix): deploy it again, or give --source-prefix with the prefix its sources' secrets are under`,
    );
  }
  const legacy = options.legacy ?? fromOutput(LEGACY_SOURCE_PREFIX_OUTPUT, outputs);
  return { current: current ?? LOCAL_SOURCE_SECRET_PREFIX, ...(legacy === undefined ? {} : { legacy }) };
}

/** A flag's value, refused when it is empty or holds a wildcard: it would accept a source naming any secret. */
function flagged(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = secretPrefixProblem(value);
  if (problem !== null) throw new UsageError(`${flag} ${JSON.stringify(value)} ${problem}`);
  return value;
}

/** A stack output's value, refused as a flag's would be. */
function fromOutput(output: string, outputs: Readonly<Record<string, string>>): string | undefined {
  const value = outputs[output];
  if (value === undefined) return undefined;
  const problem = secretPrefixProblem(value);
  if (problem !== null) throw new TableError(`the stack's ${output} output ${JSON.stringify(value)} ${problem}; give --source-prefix`);
  return value;
}
