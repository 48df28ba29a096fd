/** `lumos-rules check [PATH…]`: are the rule files valid, and is anything in them likely a mistake? */
import type { Command } from 'commander';
import type { CliCommand } from '../../shared/command';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { exitCodeFor } from '../../shared/exit-codes';
import { printedFinding } from '../../shared/finding';
import { plural } from '../../shared/plural';
import { printed } from '../../shared/terminal-text';
import { type CheckResult, checkRules } from '../check/check-rules';

export interface CheckOptions {
  paths: string[];
  strict: boolean;
}

export interface CheckOutcome {
  check: CheckResult;
  strict: boolean;
}

export const checkCommand: CliCommand<[string[], CommonOptions], CheckOptions, CheckOutcome> = {
  declare: (program: Command) =>
    withCommonOptions(
      program
        .command('check')
        .description("check rule files (default: rules/) with the functions' own parser, and warn about likely mistakes")
        .argument('[paths...]', 'rule files or folders (read recursively; *.test.* files are left to "test")'),
    ),
  options: ([paths, flags]) => ({ paths, strict: flags.strict === true }),
  run: async (options, { cwd }) => ({ check: checkRules(options.paths, cwd), strict: options.strict }),
  exitCode: ({ check, strict }) => exitCodeFor({ negative: check.problems.length > 0, warnings: check.warnings.length, strict }),
  print: {
    json: ({ check }) => check,
    human: ({ check }, c) => {
      const summary = printed`${plural(check.rules, 'rule')} in ${plural(check.files, 'file')}: ${plural(check.problems.length, 'problem')}, ${plural(check.warnings.length, 'warning')}`;
      const colour = check.problems.length > 0 ? c.red : check.warnings.length > 0 ? c.yellow : c.green;
      return [
        ...check.problems.map((problem) => c.red(printedFinding(problem))),
        ...check.warnings.map((warning) => printed`${c.yellow(printed`warning:`)} ${printedFinding(warning)}`),
        colour(summary),
      ];
    },
  },
};
