/**
 * `lumos-rules export DIR`: the rules table into files, one per rule, so rules written in the
 * console can move into git. `plan DIR` right after shows no change.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../../shared/command-context';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { exportPaths } from '../table/export-paths';
import { EXPORT_FORMATS, type ExportFormat, ruleFileText } from '../table/rule-file-text';
import { type RuleItem, readRuleTable, ruleName } from '../table/rule-table';
import { unrepresentable } from '../table/table-values';
import { resolveTarget, type TargetOptions } from '../table/target';
import { targetOptions, withTargetOptions } from '../table/target-options';

interface ExportOptions extends CommonOptions, TargetOptions {
  format?: string;
  force?: boolean;
}

export function defineExport(program: Command, { io, finish }: CommandContext): void {
  withTargetOptions(
    withCommonOptions(
      program
        .command('export')
        .description('write the rules table into files, one per rule (<dir>/<app>/<rule>.yaml), for git')
        .argument('<dir>', 'the folder to write (new or empty, unless --force)')
        .option('--format <format>', `file format: ${EXPORT_FORMATS.join(' or ')}`, 'yaml')
        .option('--force', 'write into a folder that already holds files (files of the same name are replaced; others are left)'),
    ),
  ).action(async (dir: string, options: ExportOptions) => {
    const format = EXPORT_FORMATS.find((known) => known === options.format);
    if (format === undefined) throw new UsageError(`--format ${JSON.stringify(options.format)}: use ${EXPORT_FORMATS.join(' or ')}`);
    const folder = resolve(io.cwd, dir);
    if (existsSync(folder) && readdirSync(folder).length > 0 && options.force !== true) {
      throw new UsageError(`${dir} is not empty: export into a new folder, or pass --force`);
    }
    const target = await resolveTarget(targetOptions(options));
    try {
      const all = (await readRuleTable(target)).sort((a, b) => (ruleName(a) < ruleName(b) ? -1 : ruleName(a) > ruleName(b) ? 1 : 0));
      // A value no file can hold is named, never written as something else; the other rules are exported.
      const refused = all.flatMap((item) =>
        unrepresentable(item).map((found) => ({ rule: ruleName(item), path: found.path, problem: `${found.what}: not exported` })),
      );
      const items = all.filter((item) => unrepresentable(item).length === 0);
      const written = writeFiles(items, folder, format);
      const files = [...written.values()].map((path) => {
        const inside = relative(io.cwd, path);
        return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
      });
      finish(
        writeReport(
          io,
          {
            exitCode: refused.length > 0 ? EXIT.negative : EXIT.ok,
            json: { dir, rules: items.length, files, refused },
            human: (c) => [
              ...files.map((file) => printed`  ${prose(file)}`),
              ...refused.map((entry) => c.red(printed`${entry.rule}: ${entry.path}: ${prose(entry.problem)}`)),
              printed`Exported ${plural(items.length, 'rule')} from ${target.rulesTable} into ${prose(dir)}${refused.length > 0 ? printed`; ${plural(new Set(refused.map((entry) => entry.rule)).size, 'rule')} not exported` : ''}.`,
            ],
          },
          options,
        ),
      );
    } finally {
      target.close();
    }
  });
}

function writeFiles(items: readonly RuleItem[], folder: string, format: ExportFormat): Map<RuleItem, string> {
  const paths = exportPaths(items, folder, format === 'json' ? 'json' : 'yaml');
  for (const [item, path] of paths) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, ruleFileText(item, format));
  }
  return paths;
}
