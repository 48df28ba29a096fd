/**
 * `lumos-rules plan [PATH…]`: what apply would change in the rules table, and which of the last
 * days' real decisions would come out differently under the rules as they would be.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../../shared/command-context';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import { printedFinding } from '../../shared/finding';
import { type CommandReport, writeReport } from '../../shared/output';
import { DEFAULT_RULES_PATH } from '../../shared/rule-files';
import { printed, prose } from '../../shared/terminal-text';
import { planJson, planLines, replayLines } from '../table/plan-report';
import type { Proposal } from '../table/proposal';
import { withTargetOptions } from '../table/target-options';
import { type ProposalCommandOptions, withProposal } from '../table/with-proposal';

export interface PlanOptions extends CommonOptions, ProposalCommandOptions {}

export function definePlan(program: Command, { io, finish }: CommandContext): void {
  withTargetOptions(
    withCommonOptions(
      program
        .command('plan')
        .description('show what apply would change in the rules table, and replay the last days’ audited decisions under the proposed rules')
        .argument('[paths...]', `rule files or folders (default: ${DEFAULT_RULES_PATH}/)`)
        .option('--days <n>', 'replay the audited calls of the last N days', '7')
        .option('--prune', 'plan to remove table rules missing from the files (only in the apps the files mention)')
        .option('--show-subjects', 'name the people in the replay’s examples (left out by default, so CI logs carry no emails)'),
    ),
  ).action((paths: string[], options: PlanOptions) =>
    withProposal(io, paths, options, async (proposal, target) => {
      finish(writeReport(io, planReport(proposal, target.where, target.rulesTable), options));
    }),
  );
}

export function planReport(proposal: Proposal, where: string, rulesTable: string): CommandReport {
  if (!proposal.ok) {
    return {
      exitCode: EXIT.negative,
      json: { problems: proposal.problems },
      human: (c) => [
        ...proposal.problems.map((problem) => c.red(printedFinding(problem))),
        c.red(printed`No plan: fix these problems first (lumos-rules check).`),
      ],
    };
  }
  return {
    exitCode: EXIT.ok,
    json: { table: rulesTable, where, files: proposal.files, rules: planJson(proposal.plan), replay: proposal.replay },
    human: (c) => [
      printed`Plan for the rules table ${rulesTable} (${prose(where)}), from ${proposal.files} rule files:`,
      ...planLines(proposal.plan, c),
      printed``,
      ...replayLines(proposal.replay, c),
    ],
  };
}
