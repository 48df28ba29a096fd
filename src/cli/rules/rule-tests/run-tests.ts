/**
 * `lumos-rules test`: every case of every test file, decided with the pure engine against the
 * rule files found in the same paths, as the webhook would decide it with those items in the
 * rules table. Reads files only: no table, no AWS.
 */
import type { PayloadIssue } from '../../../lumos/payload';
import type { Facts } from '../../../rules/facts';
import type { RuleEntry } from '../../../rules/rule-item';
import { requestFacts } from '../../../services/request-facts';
import type { Finding } from '../../shared/finding';
import { DEFAULT_RULES_PATH, findFiles, readRuleFiles } from '../../shared/rule-files';
import { caseRequest } from './case-request';
import { type CaseOutcome, decideCase } from './decide-case';
import { type Mismatch, mismatches } from './expectations';
import { readTestFile } from './read-test-file';
import type { TestCase } from './test-file';
import { type TreeLine, traceTree } from './trace-tree';

export interface CaseResult {
  file: string;
  /** Where the case is in its file, e.g. `cases[2]`. */
  path: string;
  name: string;
  kind: TestCase['kind'];
  passed: boolean;
  expected: TestCase['expect'];
  /** Absent when the payload was refused, as the webhook would refuse it (422). */
  actual?: Omit<CaseOutcome, 'trace'>;
  refused?: PayloadIssue[];
  mismatches: Mismatch[];
  trace: CaseOutcome['trace'];
  /** The trace with each rule's conditions, for people. */
  tree: TreeLine[];
}

export interface TestRunResult {
  testFiles: number;
  ruleFiles: number;
  rules: number;
  passed: number;
  failed: number;
  cases: CaseResult[];
  problems: Finding[];
  warnings: Finding[];
}

/** A rule item and the partition it would be stored in (its `app_id` exactly as written). */
interface StoredEntry {
  partition: unknown;
  entry: RuleEntry;
}

export function runTests(paths: readonly string[], cwd: string, startedAt: Date): TestRunResult {
  const { ruleFiles, testFiles } = findFiles(paths, cwd);
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  const stored: StoredEntry[] = [];
  for (const file of readRuleFiles(ruleFiles, cwd)) {
    if (!file.ok) {
      problems.push(file.problem);
      continue;
    }
    stored.push({ partition: file.item.app_id, entry: file.entry });
    if (!file.entry.valid) {
      warnings.push({
        file: file.file,
        path: '',
        message: 'invalid rule item, read as the functions would read it (in scope, it fails closed); see lumos-rules check',
      });
    }
  }
  if (testFiles.length === 0)
    warnings.push({ file: paths.join(', ') || DEFAULT_RULES_PATH, path: '', message: 'no test files (*.test.json, *.test.yaml, *.test.yml) found' });

  const cases: CaseResult[] = [];
  for (const file of testFiles) {
    const read = readTestFile(file, cwd);
    if (!read.ok) problems.push(...read.problems);
    else for (const [index, testCase] of read.cases.entries()) cases.push(runCase(file, index, testCase, stored, startedAt));
  }
  const passed = cases.filter((result) => result.passed).length;
  return { testFiles: testFiles.length, ruleFiles: ruleFiles.length, rules: stored.length, passed, failed: cases.length - passed, cases, problems, warnings };
}

function runCase(file: string, index: number, testCase: TestCase, stored: readonly StoredEntry[], startedAt: Date): CaseResult {
  const base = { file, path: `cases[${index}]`, name: testCase.name, kind: testCase.kind, expected: testCase.expect };
  const request = caseRequest(testCase);
  if (!request.ok) return { ...base, passed: false, refused: request.issues, mismatches: [], trace: [], tree: [] };
  const facts: Facts = {
    request: requestFacts(request.request),
    now: testCase.now === undefined ? startedAt : new Date(testCase.now),
    shifts: testCase.shifts ?? [],
    trainings: testCase.training ?? [],
  };
  const entries = rulesFor(facts.request.appId, stored);
  const { trace, ...actual } = decideCase(testCase.kind, request.request, entries, facts);
  const found = mismatches(testCase.expect, { ...actual, trace });
  return { ...base, passed: found.length === 0, actual, mismatches: found, trace, tree: traceTree(trace, entries, facts) };
}

/** As the rule source reads the table: the app's own partition and `*` (src/store/rule-source.ts). */
function rulesFor(appId: string, stored: readonly StoredEntry[]): RuleEntry[] {
  const partitions = appId === '*' ? ['*'] : [appId, '*'];
  return partitions.flatMap((partition) => stored.filter((item) => item.partition === partition).map((item) => item.entry));
}
