/** `lumos-rules check [PATH…]`: are the rule files valid, and is anything in them likely a mistake? */
import type { Command } from 'commander';
import type { CommandContext } from '../../shared/command-context';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { exitCodeFor } from '../../shared/exit-codes';
import { printedFinding } from '../../shared/finding';
import { type CommandReport, writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed } from '../../shared/terminal-text';
import { type CheckResult, checkRules } from '../check/check-rules';

export function defineCheck(program: Command, { io, finish }: CommandContext): void {
  withCommonOptions(
    program
      .command('check')
      .description("check rule files (default: rules/) with the functions' own parser, and warn about likely mistakes")
      .argument('[paths...]', 'rule files or folders (read recursively; *.test.* files are left to "test")'),
  ).action((paths: string[], options: CommonOptions) => {
    finish(writeReport(io, checkReport(checkRules(paths, io.cwd), options), options));
  });
}

export function checkReport(result: CheckResult, options: CommonOptions): CommandReport {
  return {
    exitCode: exitCodeFor({ negative: result.problems.length > 0, warnings: result.warnings.length, strict: options.strict === true }),
    json: result,
    human: (c) => {
      const summary = printed`${plural(result.rules, 'rule')} in ${plural(result.files, 'file')}: ${plural(result.problems.length, 'problem')}, ${plural(result.warnings.length, 'warning')}`;
      const colour = result.problems.length > 0 ? c.red : result.warnings.length > 0 ? c.yellow : c.green;
      return [
        ...result.problems.map((problem) => c.red(printedFinding(problem))),
        ...result.warnings.map((warning) => printed`${c.yellow(printed`warning:`)} ${printedFinding(warning)}`),
        colour(summary),
      ];
    },
  };
}
