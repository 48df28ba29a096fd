/**
 * `lumos-rules apply [PATH…]`: write the rule files into the rules table. Refused while `check`
 * finds a problem; shows the plan; asks before writing unless `--yes`; never overwrites an item
 * edited since the plan. Every write's outcome is listed: one the table refuses, or one edited
 * meanwhile, is named and the others are still written (exit 1).
 */
import type { Command } from 'commander';
import type { CliCommand } from '../../shared/command';
import { EXIT } from '../../shared/exit-codes';
import type { Io } from '../../shared/io';
import { coloursFor } from '../../shared/output';
import { plural } from '../../shared/plural';
import { DEFAULT_RULES_PATH } from '../../shared/rule-files';
import { type Colours, joined, linesText, type Printed, printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { applyPlan, landed, type Written } from '../table/apply-writes';
import { planJson, planLines, replayLines } from '../table/plan-report';
import type { ReplayOutcome } from '../table/proposal';
import { planChanges, type RulesPlan } from '../table/rules-plan';
import { appliedBy } from '../table/who';
import {
  type ProposalCommandOptions,
  type ProposalDeps,
  type ProposalFlags,
  proposalDeps,
  proposalOptions,
  withProposal,
  withProposalOptions,
} from '../table/with-proposal';
import { type PlanOutcome, planPrinter } from './plan';

interface ApplyFlags extends ProposalFlags {
  yes?: boolean;
  by?: string;
}

export interface ApplyOptions extends ProposalCommandOptions {
  /** Write without asking. */
  yes: boolean;
  by?: string;
}

export interface ApplyDeps extends ProposalDeps {
  /** Shown the plan before anything is written: whether to write it. */
  review(plan: RulesPlan, replay: ReplayOutcome, rulesTable: string): Promise<boolean>;
}

export type ApplyOutcome =
  | { shows: 'refused'; plan: PlanOutcome }
  | { shows: 'nothing to apply'; plan: RulesPlan }
  | { shows: 'declined' }
  | { shows: 'applied'; written: Written[]; plan: RulesPlan; replay: ReplayOutcome };

export const applyCommand: CliCommand<[string[], ApplyFlags], ApplyOptions, ApplyOutcome, ApplyDeps> = {
  declare: (program: Command) =>
    withProposalOptions(
      program
        .command('apply')
        .description('write the rule files into the rules table, after showing the plan and asking')
        .argument('[paths...]', `rule files or folders (default: ${DEFAULT_RULES_PATH}/)`)
        .option('--yes', 'write without asking (CI)')
        .option('--by <name>', 'who applies, recorded in updated_by (default: git config user.email)')
        .option('--prune', 'also remove table rules missing from the files (only in the apps the files mention)')
        .option('--days <n>', 'replay the audited calls of the last N days in the plan', '7')
        .option('--show-subjects', 'name the people in the replay’s examples'),
    ),
  options: ([paths, flags], io) => {
    if (flags.yes !== true && (flags.json === true || !io.stdinIsTTY)) {
      throw new UsageError('apply asks before writing: pass --yes to write without asking (not a terminal, or --json)');
    }
    return { ...proposalOptions(paths, flags), yes: flags.yes === true, ...(flags.by === undefined ? {} : { by: flags.by }) };
  },
  deps: (io, options) => ({ ...proposalDeps(io, options.json), review: reviewOnTerminal(io, options.json, options.yes) }),
  run: (options, deps) =>
    withProposal(options, deps, async (proposal, db): Promise<ApplyOutcome> => {
      if (!proposal.ok) return { shows: 'refused', plan: { proposal, where: db.where, rulesTable: db.rulesTable } };
      const { plan, replay } = proposal;
      if (planChanges(plan) === 0) return { shows: 'nothing to apply', plan };
      if (!(await deps.review(plan, replay, db.rulesTable))) return { shows: 'declined' };
      const by = await appliedBy(options.by, deps.cwd, db);
      return { shows: 'applied', written: await applyPlan(db, plan, { by, at: deps.now() }), plan, replay };
    }),
  exitCode: (outcome) => {
    switch (outcome.shows) {
      case 'refused':
      case 'declined':
        return EXIT.negative;
      case 'nothing to apply':
        return EXIT.ok;
      case 'applied':
        return outcome.written.some((write) => !landed(write) || overwrote(write)) ? EXIT.negative : EXIT.ok;
    }
  },
  print: {
    json: (outcome) => {
      switch (outcome.shows) {
        case 'refused':
          return planPrinter.json(outcome.plan);
        case 'nothing to apply':
          return { rules: planJson(outcome.plan), written: [] };
        case 'declined':
          return { applied: false };
        case 'applied':
          return { rules: planJson(outcome.plan), replay: outcome.replay, written: outcome.written };
      }
    },
    human: (outcome, c) => {
      switch (outcome.shows) {
        case 'refused':
          return planPrinter.human(outcome.plan, c);
        case 'nothing to apply':
          return [...planLines(outcome.plan, c), printed`Nothing to apply.`];
        case 'declined':
          return [printed`Nothing written.`];
        case 'applied':
          return appliedLines(outcome.written, c);
      }
    },
  },
};

/**
 * On a terminal (or with `--yes`): the plan and replay shown first (not with `--json`), then the
 * question, unless `--yes` answered it.
 */
function reviewOnTerminal(io: Io, json: boolean, yes: boolean): ApplyDeps['review'] {
  return async (plan, replay, rulesTable) => {
    if (!json) {
      const c = coloursFor(io, { json });
      io.stdout(linesText([...planLines(plan, c), printed``, ...replayLines(replay, c), printed``]));
    }
    return yes || (await confirmed(io, printed`Apply ${plural(planChanges(plan), 'change')} to ${rulesTable}?`));
  };
}

async function confirmed(io: Io, question: Printed): Promise<boolean> {
  const answer = await io.ask(printed`${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

const overwrote = (write: Written): boolean => write.outcome.status === 'written' && write.outcome.unseen.length > 0;

/** What apply says once it has written: one line per write, then the count of each outcome. */
export function appliedLines(written: readonly Written[], c: Colours): Printed[] {
  const count = (status: Written['outcome']['status']) => written.filter((write) => write.outcome.status === status).length;
  const notWritten = written.filter((write) => !landed(write));
  const others = [
    count('conflict') > 0 ? plural(count('conflict'), 'conflict') : '',
    count('failed') > 0 ? `${count('failed')} failed` : '',
    count('not_attempted') > 0 ? `${count('not_attempted')} not attempted` : '',
  ].filter(Boolean);
  return [
    ...written.map((write) => writeLine(write, c)),
    printed`${plural(written.length - notWritten.length, 'change')} written${others.length > 0 ? printed`, ${others.join(', ')}` : ''}.`,
    ...(notWritten.length > 0
      ? [
          c.red(
            printed`Not written: ${joined(
              notWritten.map((write) => write.rule),
              ', ',
            )}; every other change listed landed.`,
          ),
        ]
      : []),
  ];
}

function writeLine(write: Written, c: Colours): Printed {
  const { outcome } = write;
  switch (outcome.status) {
    case 'conflict':
      return c.red(printed`not ${write.action}: ${write.rule} changed in the table since the plan (a concurrent edit); run plan again`);
    case 'failed':
      return c.red(printed`not ${write.action}: ${write.rule}: ${prose(outcome.reason)}`);
    case 'not_attempted':
      return c.red(printed`not ${write.action}: ${write.rule}: not attempted, the table could not be used`);
    case 'written':
      if (outcome.unseen.length > 0) {
        return c.red(printed`${write.action} ${write.rule}, replacing attributes added in the table since the plan: ${outcome.unseen.join(', ')}`);
      }
      return c.green(printed`${write.action} ${write.rule}`);
  }
}
