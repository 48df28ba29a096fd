/**
 * `lumos-state reindex`: puts grants written before the `due` index existed into it, once after
 * upgrading, so the expiry sweeper sees them too. Reads the whole grants table (the one command
 * that does) and rewrites only items that owe a removal but lack their index attributes, each
 * write conditional on the version read, the item otherwise unchanged; run it again at will. An
 * item that does not read as a grant is left as it is and named on stderr with why.
 */
import type { Command } from 'commander';
import { DUE_BUCKET_ATTRIBUTE, dueAtOf } from '../../../grants/due-index';
import { readGrant } from '../../../grants/grant-item';
import { DynamoGrantLedger } from '../../../grants/grant-ledger';
import { Deadline } from '../../../kernel/deadline';
import { scanItemPages } from '../../rules/table/scan-items';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { targetError } from '../../shared/target-error';
import { printed, prose } from '../../shared/terminal-text';
import { grantId } from '../grant-id';
import { type GrantsTargetOptions, resolveGrantsTarget, withGrantsTargetOptions } from '../grants-target';

interface ReindexOptions extends GrantsTargetOptions {
  json?: boolean;
}

const WRITE_BUDGET_MS = 10_000;

export function defineReindex(program: Command, { io, finish }: CommandContext): void {
  withGrantsTargetOptions(
    program
      .command('reindex')
      .description('put grants written before the due index into it (once after upgrading), so the expiry sweeper sees them')
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (options: ReindexOptions) => {
    const target = await resolveGrantsTarget(options);
    const ledger = new DynamoGrantLedger(target.documents, target.required);
    let scanned = 0;
    let indexed = 0;
    let changed = 0;
    try {
      // Through the item codec: an item rewritten here keeps every hold, whatever its task URL.
      for await (const page of scanItemPages(target.documents, { TableName: target.required })) {
        for (const raw of page.items) {
          scanned += 1;
          if (raw[DUE_BUCKET_ATTRIBUTE] !== undefined) continue;
          const read = readGrant(raw);
          if (!read.ok) {
            io.stderr(
              printed`lumos-state: ${grantId(read.key)} in ${target.required} is not a readable grant (${prose(read.problem)}); left out of the due index until it is fixed\n`,
            );
            continue;
          }
          const item = read.grant;
          if (dueAtOf(item) === null) continue;
          // The same item and version: only its index attributes are added; a grant changed meanwhile already has them.
          if (await ledger.save(item, item.version, new Deadline(WRITE_BUDGET_MS))) indexed += 1;
          else changed += 1;
        }
      }
    } catch (error) {
      throw targetError(
        error instanceof Error && error.cause !== undefined ? error.cause : error,
        `reindexing the grants table ${target.required}`,
        target.where,
      );
    } finally {
      target.close();
    }
    finish(
      writeReport(
        io,
        {
          exitCode: EXIT.ok,
          json: { table: target.required, scanned, indexed, changed_meanwhile: changed },
          human: () => [
            printed`${plural(indexed, 'grant')} put into the due index of ${target.required} (${plural(scanned, 'item')} read; ${changed} changed meanwhile, already indexed).`,
          ],
        },
        options,
      ),
    );
  });
}
