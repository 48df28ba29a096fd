/**
 * `lumos-rules apply [PATH…]`: write the rule files into the rules table. Refused while `check`
 * finds a problem; shows the plan; asks before writing unless `--yes`; never overwrites an item
 * edited since the plan. Every write's outcome is listed: one the table refuses, or one edited
 * meanwhile, is named and the others are still written (exit 1).
 */
import type { Command } from 'commander';
import type { CommandContext } from '../../shared/command-context';
import { withCommonOptions } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { Io } from '../../shared/io';
import { type CommandReport, coloursFor, writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { DEFAULT_RULES_PATH } from '../../shared/rule-files';
import { type Colours, joined, linesText, type Printed, printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { applyPlan, landed, type Written } from '../table/apply-writes';
import { planJson, planLines, replayLines } from '../table/plan-report';
import { planChanges } from '../table/rules-plan';
import { withTargetOptions } from '../table/target-options';
import { appliedBy } from '../table/who';
import { withProposal } from '../table/with-proposal';
import { type PlanOptions, planReport } from './plan';

interface ApplyOptions extends PlanOptions {
  yes?: boolean;
  by?: string;
}

export function defineApply(program: Command, { io, finish }: CommandContext): void {
  withTargetOptions(
    withCommonOptions(
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
  ).action((paths: string[], options: ApplyOptions) => {
    if (options.yes !== true && (options.json === true || !io.stdinIsTTY)) {
      throw new UsageError('apply asks before writing: pass --yes to write without asking (not a terminal, or --json)');
    }
    return withProposal(io, paths, options, async (proposal, target) => {
      if (!proposal.ok) {
        finish(writeReport(io, planReport(proposal, target.where, target.rulesTable), options));
        return;
      }
      const { plan, replay } = proposal;
      if (planChanges(plan) === 0) {
        finish(
          writeReport(
            io,
            { exitCode: EXIT.ok, json: { rules: planJson(plan), written: [] }, human: (c) => [...planLines(plan, c), printed`Nothing to apply.`] },
            options,
          ),
        );
        return;
      }
      if (options.json !== true) {
        const c = coloursFor(io, options);
        io.stdout(linesText([...planLines(plan, c), printed``, ...replayLines(replay, c), printed``]));
      }
      if (options.yes !== true && !(await confirmed(io, printed`Apply ${plural(planChanges(plan), 'change')} to ${target.rulesTable}?`))) {
        finish(writeReport(io, { exitCode: EXIT.negative, json: { applied: false }, human: () => [printed`Nothing written.`] }, options));
        return;
      }
      const by = await appliedBy(options.by, io.cwd, target);
      const written = await applyPlan(target, plan, { by, at: new Date() });
      finish(writeReport(io, appliedReport(written, plan, replay), options));
    });
  });
}

async function confirmed(io: Io, question: Printed): Promise<boolean> {
  const answer = await io.ask(printed`${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

/** Exported for its test: what apply says once it has written, one line per write, then the count of each outcome. */
export function appliedReport(written: readonly Written[], plan: Parameters<typeof planJson>[0], replay: unknown): CommandReport {
  const count = (status: Written['outcome']['status']) => written.filter((write) => write.outcome.status === status).length;
  const overwritten = written.filter((write) => write.outcome.status === 'written' && write.outcome.unseen.length > 0);
  const notWritten = written.filter((write) => !landed(write));
  const others = [
    count('conflict') > 0 ? plural(count('conflict'), 'conflict') : '',
    count('failed') > 0 ? `${count('failed')} failed` : '',
    count('not_attempted') > 0 ? `${count('not_attempted')} not attempted` : '',
  ].filter(Boolean);
  return {
    exitCode: notWritten.length > 0 || overwritten.length > 0 ? EXIT.negative : EXIT.ok,
    json: { rules: planJson(plan), replay, written },
    human: (c) => [
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
    ],
  };
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
