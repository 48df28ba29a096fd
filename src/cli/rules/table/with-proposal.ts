/**
 * What plan and apply share: their options (the rule files, the replay's days, `--prune`, the
 * tables), and the start of their run: the tables opened, the proposal computed while a progress
 * bar (when the terminal shows one) follows the audit being read, and the client closed whatever
 * happens next.
 */
import type { Command } from 'commander';
import { type CommandDeps, processDeps } from '../../shared/command';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import type { Io } from '../../shared/io';
import type { TablesOptions } from '../../shared/open-tables';
import { DEFAULT_RULES_PATH } from '../../shared/rule-files';
import { RULES_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import type { AuditProgress } from './audited-calls';
import { auditProgressBar } from './progress-bar';
import { type Proposal, parseDays, propose } from './proposal';
import { openRulesTables, type RulesTables } from './rules-tables';

export interface ProposalFlags extends CommonOptions, TablesOptions {
  days?: string;
  prune?: boolean;
  showSubjects?: boolean;
}

export interface ProposalCommandOptions {
  paths: string[];
  /** `--json`: no progress bar. */
  json: boolean;
  days: number;
  prune: boolean;
  showSubjects: boolean;
  tables: TablesOptions;
}

export interface ProposalDeps extends CommandDeps {
  /** Follows the audit being read; stopped once it is. */
  progress: AuditProgress & { stop(): void };
}

/** The command's own arguments and options, then the common ones, then the tables: as `--help` lists them. */
export const withProposalOptions = (command: Command): Command => withTableOptions(withCommonOptions(command), RULES_TABLES);

export function proposalOptions(paths: string[], flags: ProposalFlags): ProposalCommandOptions {
  return {
    paths: paths.length > 0 ? paths : [DEFAULT_RULES_PATH],
    json: flags.json === true,
    days: parseDays(flags.days),
    prune: flags.prune === true,
    showSubjects: flags.showSubjects === true,
    tables: tablesOf(flags),
  };
}

export function proposalDeps(io: Io, json: boolean): ProposalDeps {
  return { ...processDeps(io), progress: auditProgressBar(io, json) };
}

export async function withProposal<T>(
  options: ProposalCommandOptions,
  deps: ProposalDeps,
  use: (proposal: Proposal, db: RulesTables) => Promise<T>,
): Promise<T> {
  const db = await openRulesTables(options.tables);
  try {
    let proposal: Proposal;
    try {
      const settings = { days: options.days, prune: options.prune, showSubjects: options.showSubjects, now: deps.now() };
      proposal = await propose(options.paths, deps.cwd, db, settings, deps.progress);
    } finally {
      deps.progress.stop();
    }
    return await use(proposal, db);
  } finally {
    db.close();
  }
}
