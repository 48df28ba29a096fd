/** `lumos-rules test [PATH…]`: run the admins' test cases against the rule files, like `opa test`. */
import type { Command } from 'commander';
import type { CliCommand } from '../../shared/command';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { exitCodeFor } from '../../shared/exit-codes';
import { printedFinding } from '../../shared/finding';
import type { Colours } from '../../shared/output';
import { plural } from '../../shared/plural';
import { type Printed, printed, prose } from '../../shared/terminal-text';
import { describeMismatch } from '../rule-tests/expectations';
import { type CaseResult, runTests, type TestRunResult } from '../rule-tests/run-tests';
import { formatTreeLine } from '../rule-tests/trace-tree';

interface TestFlags extends CommonOptions {
  verbose?: boolean;
}

export interface TestOptions {
  paths: string[];
  strict: boolean;
  verbose: boolean;
}

export interface TestOutcome {
  tests: TestRunResult;
  strict: boolean;
  verbose: boolean;
}

export const testCommand: CliCommand<[string[], TestFlags], TestOptions, TestOutcome> = {
  declare: (program: Command) =>
    withCommonOptions(
      program
        .command('test')
        .description('run the test cases of *.test.yaml|yml|json files against the rule files in the same paths (default: rules/)')
        .argument('[paths...]', 'files or folders holding rule files and test files (read recursively)')
        .option('--verbose', 'list passing cases too'),
    ),
  options: ([paths, flags]) => ({ paths, strict: flags.strict === true, verbose: flags.verbose === true }),
  run: async (options, deps) => ({ tests: runTests(options.paths, deps.cwd, deps.now()), strict: options.strict, verbose: options.verbose }),
  exitCode: ({ tests, strict }) => exitCodeFor({ negative: tests.failed > 0 || tests.problems.length > 0, warnings: tests.warnings.length, strict }),
  print: {
    json: ({ tests: result }) => ({
      test_files: result.testFiles,
      rule_files: result.ruleFiles,
      rules: result.rules,
      passed: result.passed,
      failed: result.failed,
      cases: result.cases.map(({ tree: _tree, ...rest }) => rest),
      problems: result.problems,
      warnings: result.warnings,
    }),
    human: ({ tests: result, verbose }, c) => {
      const extra = [
        result.problems.length > 0 ? plural(result.problems.length, 'problem') : '',
        result.warnings.length > 0 ? plural(result.warnings.length, 'warning') : '',
      ]
        .filter(Boolean)
        .join(', ');
      const summary = printed`${result.passed} passed, ${result.failed} failed${extra ? printed`; ${extra}` : ''}`;
      const colour = result.failed > 0 || result.problems.length > 0 ? c.red : result.warnings.length > 0 ? c.yellow : c.green;
      return [
        ...result.problems.map((problem) => c.red(printedFinding(problem))),
        ...result.warnings.map((warning) => printed`${c.yellow(printed`warning:`)} ${printedFinding(warning)}`),
        ...result.cases.flatMap((testCase) =>
          testCase.passed ? (verbose ? [printed`${c.green(printed`✓`)} ${caseTitle(testCase)}`] : []) : failureLines(testCase, c),
        ),
        colour(summary),
      ];
    },
  },
};

/** The case's name is the admin's free text, quoted; the file and path say where it is. */
function caseTitle(testCase: CaseResult): Printed {
  return printed`${prose(testCase.file)}: ${testCase.path} ${prose(JSON.stringify(testCase.name))}`;
}

function failureLines(testCase: CaseResult, c: Colours): Printed[] {
  const lines = [printed`${c.red(printed`✗`)} ${caseTitle(testCase)}`];
  if (testCase.refused) {
    lines.push(printed`    the payload is refused, as the webhook would refuse it (422):`);
    lines.push(...testCase.refused.map((issue) => printed`      ${issue.path}: ${prose(issue.message)}`));
    return lines;
  }
  lines.push(...testCase.mismatches.map((mismatch) => printed`    ${prose(describeMismatch(mismatch))}`));
  const { actual } = testCase;
  const shown = testCase.mismatches.some((mismatch) => mismatch.what === 'message' && mismatch.actual === actual?.reason);
  if (actual?.reason !== undefined && !shown) lines.push(c.dim(printed`    reason: ${prose(actual.reason)}`));
  if (actual?.message !== undefined && !testCase.mismatches.some((mismatch) => mismatch.what === 'message'))
    lines.push(c.dim(printed`    message: ${prose(actual.message)}`));
  lines.push(testCase.tree.length > 0 ? printed`    trace:` : printed`    trace: no rule of this kind for this app`);
  lines.push(...testCase.tree.map((line) => formatTreeLine(line, c, '      ')));
  return lines;
}
