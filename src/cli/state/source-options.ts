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
import type { TablesTarget } from '../shared/table-target';
import { TargetError } from '../shared/target-error';
import { printed } from '../shared/terminal-text';
import { UsageError } from '../shared/usage-error';

/** The stack outputs lib/webhook-stack.ts writes. */
export const SOURCE_PREFIX_OUTPUT = 'SourceSecretPrefix';
export const LEGACY_SOURCE_PREFIX_OUTPUT = 'LegacySourceSecretPrefix';

export interface SourceOptions {
  sourcePrefix?: string;
  legacySourcePrefix?: string;
  /** Deprecated: `--source-prefix`. */
  connectorPrefix?: string;
  stack?: string;
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

/** The prefixes a command checks the sources' secrets against; a deprecated flag is named on stderr. */
export function sourcePrefixesOf(options: SourceOptions, target: Pick<TablesTarget, 'stackOutputs'>, io: Pick<Io, 'stderr'>): SourceSecretPrefixes {
  const { sourcePrefix, connectorPrefix, legacySourcePrefix, stack } = options;
  if (connectorPrefix !== undefined && sourcePrefix !== undefined) throw new UsageError('give --source-prefix, not also --connector-prefix (its old name)');
  if (connectorPrefix !== undefined)
    io.stderr(printed`lumos-state: --connector-prefix is deprecated: source secrets have their own prefix now; use --source-prefix\n`);
  const outputs = stack === undefined ? {} : target.stackOutputs;
  const current = checked(
    sourcePrefix !== undefined ? ['--source-prefix', sourcePrefix] : connectorPrefix !== undefined ? ['--connector-prefix', connectorPrefix] : undefined,
    SOURCE_PREFIX_OUTPUT,
    outputs,
  );
  if (current === undefined && stack !== undefined) {
    throw new TargetError(
      `stack ${stack} has no ${SOURCE_PREFIX_OUTPUT} output (deployed before source secrets had their own prefix): deploy it again, or give --source-prefix with the prefix its sources' secrets are under`,
    );
  }
  const legacy = checked(legacySourcePrefix === undefined ? undefined : ['--legacy-source-prefix', legacySourcePrefix], LEGACY_SOURCE_PREFIX_OUTPUT, outputs);
  return { current: current ?? LOCAL_SOURCE_SECRET_PREFIX, ...(legacy === undefined ? {} : { legacy }) };
}

/**
 * The flag's value, else the stack output's, refused when it is empty or holds a wildcard: it
 * would accept a source naming any secret.
 */
function checked(flag: [name: string, value: string] | undefined, output: string, outputs: Readonly<Record<string, string>>): string | undefined {
  const value = flag === undefined ? outputs[output] : flag[1];
  if (value === undefined) return undefined;
  const problem = secretPrefixProblem(value);
  if (problem === null) return value;
  if (flag !== undefined) throw new UsageError(`${flag[0]} ${JSON.stringify(value)} ${problem}`);
  throw new TargetError(`the stack's ${output} output ${JSON.stringify(value)} ${problem}; give --source-prefix`);
}
