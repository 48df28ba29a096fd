/**
 * `lumos-state check`: the state items the functions cannot read or find (keys not normalised,
 * times that do not parse, shifts without an end, an `email` that is not the key's person),
 * each with why. Reads the whole state table; exit 1 when any item has a problem.
 */
import type { Command } from 'commander';
import { scanPages } from '../../rules/table/scan-pages';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed, prose, quoted } from '../../shared/terminal-text';
import { stateTableError } from '../import/state-write-error';
import { stateItemProblems } from '../state-item-problems';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface CheckOptions extends StateTargetOptions {
  json?: boolean;
}

/** Listed in full up to this many; a table of nonsense is summarised, not dumped. */
const LISTED = 1_000;

export function defineCheck(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('check')
      .description('list state items the functions cannot read or find: keys not normalised, times that do not parse, shifts without an end')
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (options: CheckOptions) => {
    const target = await resolveStateTarget(options);
    const found: { pk: string; sk: string; problems: string[] }[] = [];
    let scanned = 0;
    let withProblems = 0;
    try {
      for await (const page of scanPages(target.documents, { TableName: target.required })) {
        for (const item of page.Items ?? []) {
          scanned += 1;
          const problems = stateItemProblems(item);
          if (problems.length === 0) continue;
          withProblems += 1;
          if (found.length < LISTED) found.push({ pk: String(item.pk), sk: String(item.sk), problems });
        }
      }
    } catch (error) {
      throw stateTableError(error, 'reading', target);
    } finally {
      target.close();
    }
    finish(
      writeReport(
        io,
        {
          exitCode: withProblems > 0 ? EXIT.negative : EXIT.ok,
          json: { table: target.required, scanned, with_problems: withProblems, items: found },
          human: (c) => [
            ...found.flatMap((entry) => [
              c.bold(printed`${quoted(entry.pk)} / ${quoted(entry.sk)}`),
              ...entry.problems.map((problem) => printed`  ${prose(problem)}`),
            ]),
            printed`${plural(withProblems, 'state item')} the functions cannot read or find, of ${plural(scanned, 'item')} in ${target.required}${withProblems > found.length ? printed` (the first ${found.length} listed)` : ''}.`,
          ],
        },
        options,
      ),
    );
  });
}
