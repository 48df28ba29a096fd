/**
 * `lumos-rules plan [PATH…]`: what apply would change in the rules table, and which of the last
 * days' real decisions would come out differently under the rules as they would be.
 */
import type { Command } from 'commander';
import type { CliCommand, ResultPrinter } from '../../shared/command';
import { EXIT } from '../../shared/exit-codes';
import { printedFinding } from '../../shared/finding';
import { DEFAULT_RULES_PATH } from '../../shared/rule-files';
import { printed, prose } from '../../shared/terminal-text';
import { planJson, planLines, replayLines } from '../table/plan-report';
import type { Proposal } from '../table/proposal';
import {
  type ProposalCommandOptions,
  type ProposalDeps,
  type ProposalFlags,
  proposalDeps,
  proposalOptions,
  withProposal,
  withProposalOptions,
} from '../table/with-proposal';

/** The proposal, and the table it is for. */
export interface PlanOutcome {
  proposal: Proposal;
  where: string;
  rulesTable: string;
}

export const planPrinter: ResultPrinter<PlanOutcome> = {
  json: ({ proposal, where, rulesTable }) =>
    proposal.ok
      ? { table: rulesTable, where, files: proposal.files, rules: planJson(proposal.plan), replay: proposal.replay }
      : { problems: proposal.problems },
  human: ({ proposal, where, rulesTable }, c) =>
    proposal.ok
      ? [
          printed`Plan for the rules table ${rulesTable} (${prose(where)}), from ${proposal.files} rule files:`,
          ...planLines(proposal.plan, c),
          printed``,
          ...replayLines(proposal.replay, c),
        ]
      : [...proposal.problems.map((problem) => c.red(printedFinding(problem))), c.red(printed`No plan: fix these problems first (lumos-rules check).`)],
};

export const planCommand: CliCommand<[string[], ProposalFlags], ProposalCommandOptions, PlanOutcome, ProposalDeps> = {
  declare: (program: Command) =>
    withProposalOptions(
      program
        .command('plan')
        .description('show what apply would change in the rules table, and replay the last days’ audited decisions under the proposed rules')
        .argument('[paths...]', `rule files or folders (default: ${DEFAULT_RULES_PATH}/)`)
        .option('--days <n>', 'replay the audited calls of the last N days', '7')
        .option('--prune', 'plan to remove table rules missing from the files (only in the apps the files mention)')
        .option('--show-subjects', 'name the people in the replay’s examples (left out by default, so CI logs carry no emails)'),
    ),
  options: ([paths, flags]) => proposalOptions(paths, flags),
  deps: (io, options) => proposalDeps(io, options.json),
  run: (options, deps) => withProposal(options, deps, async (proposal, db) => ({ proposal, where: db.where, rulesTable: db.rulesTable })),
  exitCode: ({ proposal }) => (proposal.ok ? EXIT.ok : EXIT.negative),
  print: planPrinter,
};
