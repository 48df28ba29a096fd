/**
 * `lumos-rules export DIR`: the rules table into files, one per rule, so rules written in the
 * console can move into git. `plan DIR` right after shows no change.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliCommand } from '../../shared/command';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import type { TablesOptions } from '../../shared/open-tables';
import { plural } from '../../shared/plural';
import { RULES_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { exportPaths } from '../table/export-paths';
import { EXPORT_FORMATS, type ExportFormat, ruleFileText } from '../table/rule-file-text';
import { type RuleItem, readRuleTable, ruleName } from '../table/rule-table';
import { openRulesTables } from '../table/rules-tables';
import { unrepresentable } from '../table/table-values';

interface ExportFlags extends CommonOptions, TablesOptions {
  format?: string;
  force?: boolean;
}

export interface ExportOptions {
  dir: string;
  format: ExportFormat;
  /** Write into a folder that already holds files. */
  force: boolean;
  tables: TablesOptions;
}

export interface ExportOutcome {
  dir: string;
  rulesTable: string;
  /** Rules written. */
  rules: number;
  /** Each file written: relative to the working folder when inside it. */
  files: string[];
  /** Values no file can hold: their rules are not exported. */
  refused: { rule: string; path: string; problem: string }[];
}

export const exportCommand: CliCommand<[string, ExportFlags], ExportOptions, ExportOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withCommonOptions(
        program
          .command('export')
          .description('write the rules table into files, one per rule (<dir>/<app>/<rule>.yaml), for git')
          .argument('<dir>', 'the folder to write (new or empty, unless --force)')
          .option('--format <format>', `file format: ${EXPORT_FORMATS.join(' or ')}`, 'yaml')
          .option('--force', 'write into a folder that already holds files (files of the same name are replaced; others are left)'),
      ),
      RULES_TABLES,
    ),
  options: ([dir, flags]) => {
    const format = EXPORT_FORMATS.find((known) => known === flags.format);
    if (format === undefined) throw new UsageError(`--format ${JSON.stringify(flags.format)}: use ${EXPORT_FORMATS.join(' or ')}`);
    return { dir, format, force: flags.force === true, tables: tablesOf(flags) };
  },
  run: async ({ dir, format, force, tables }, { cwd }) => {
    const folder = resolve(cwd, dir);
    if (existsSync(folder) && readdirSync(folder).length > 0 && !force) {
      throw new UsageError(`${dir} is not empty: export into a new folder, or pass --force`);
    }
    const db = await openRulesTables(tables);
    try {
      const all = (await readRuleTable(db)).sort((a, b) => (ruleName(a) < ruleName(b) ? -1 : ruleName(a) > ruleName(b) ? 1 : 0));
      // A value no file can hold is named, never written as something else; the other rules are exported.
      const refused = all.flatMap((item) =>
        unrepresentable(item).map((found) => ({ rule: ruleName(item), path: found.path, problem: `${found.what}: not exported` })),
      );
      const items = all.filter((item) => unrepresentable(item).length === 0);
      const written = writeFiles(items, folder, format);
      const files = [...written.values()].map((path) => {
        const inside = relative(cwd, path);
        return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
      });
      return { dir, rulesTable: db.rulesTable, rules: items.length, files, refused };
    } finally {
      db.close();
    }
  },
  exitCode: ({ refused }) => (refused.length > 0 ? EXIT.negative : EXIT.ok),
  print: {
    json: ({ dir, rules, files, refused }) => ({ dir, rules, files, refused }),
    human: ({ dir, rulesTable, rules, files, refused }, c) => [
      ...files.map((file) => printed`  ${prose(file)}`),
      ...refused.map((entry) => c.red(printed`${entry.rule}: ${entry.path}: ${prose(entry.problem)}`)),
      printed`Exported ${plural(rules, 'rule')} from ${rulesTable} into ${prose(dir)}${refused.length > 0 ? printed`; ${plural(new Set(refused.map((entry) => entry.rule)).size, 'rule')} not exported` : ''}.`,
    ],
  },
};

function writeFiles(items: readonly RuleItem[], folder: string, format: ExportFormat): Map<RuleItem, string> {
  const paths = exportPaths(items, folder, format === 'json' ? 'json' : 'yaml');
  for (const [item, path] of paths) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, ruleFileText(item, format));
  }
  return paths;
}
