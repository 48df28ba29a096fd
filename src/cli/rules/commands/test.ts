/** `lumos-rules test [PATH…]`: run the admins' test cases against the rule files, like `opa test`. */
import type { Command } from 'commander';
import type { CommandContext } from '../../shared/command-context';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { exitCodeFor } from '../../shared/exit-codes';
import { printedFinding } from '../../shared/finding';
import type { Colours, CommandReport } from '../../shared/output';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { type Printed, printed, prose } from '../../shared/terminal-text';
import { describeMismatch } from '../rule-tests/expectations';
import { type CaseResult, runTests, type TestRunResult } from '../rule-tests/run-tests';
import { formatTreeLine } from '../rule-tests/trace-tree';

interface TestOptions extends CommonOptions {
  verbose?: boolean;
}

export function defineTest(program: Command, { io, finish }: CommandContext): void {
  withCommonOptions(
    program
      .command('test')
      .description('run the test cases of *.test.yaml|yml|json files against the rule files in the same paths (default: rules/)')
      .argument('[paths...]', 'files or folders holding rule files and test files (read recursively)')
      .option('--verbose', 'list passing cases too'),
  ).action((paths: string[], options: TestOptions) => {
    finish(writeReport(io, testReport(runTests(paths, io.cwd, new Date()), options), options));
  });
}

export function testReport(result: TestRunResult, options: TestOptions): CommandReport {
  return {
    exitCode: exitCodeFor({ negative: result.failed > 0 || result.problems.length > 0, warnings: result.warnings.length, strict: options.strict === true }),
    json: {
      test_files: result.testFiles,
      rule_files: result.ruleFiles,
      rules: result.rules,
      passed: result.passed,
      failed: result.failed,
      cases: result.cases.map(({ tree: _tree, ...rest }) => rest),
      problems: result.problems,
      warnings: result.warnings,
    },
    human: (c) => {
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
          testCase.passed ? (options.verbose ? [printed`${c.green(printed`✓`)} ${caseTitle(testCase)}`] : []) : failureLines(testCase, c),
        ),
        colour(summary),
      ];
    },
  };
}

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
