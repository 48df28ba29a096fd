/**
 * `lumos-rules explain PAYLOAD.json`: the reply Lumos would get for this payload now, and why
 * (the rule trace as a tree), against rule files or the live rules, with live state; writes
 * nothing. `explain --request <task URL>`: each audited call of that request decided again from
 * the facts it recorded.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { type ParsedRequest, parsePayload } from '../../../lumos/payload';
import type { Facts } from '../../../rules/facts';
import { stateLookups } from '../../../rules/lookups';
import { RULE_KINDS, type RuleEntry, type RuleKind } from '../../../rules/rule-item';
import { loadFacts } from '../../../services/load-facts';
import { requestFacts } from '../../../services/request-facts';
import { DynamoStateSource } from '../../../store/state-source';
import type { CliCommand, CommandDeps } from '../../shared/command';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import { formatFinding } from '../../shared/finding';
import type { TablesOptions } from '../../shared/open-tables';
import { readDocumentFile } from '../../shared/rule-files';
import { TableError } from '../../shared/table-error';
import { namesTables, RULES_TABLES, tablesOf, withTableOptions } from '../../shared/table-options';
import { type Colours, type Printed, printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { type Replay, replayCall } from '../replay/replay';
import { type CaseOutcome, decideCase } from '../rule-tests/decide-case';
import { formatTreeLine, type TreeLine, traceTree } from '../rule-tests/trace-tree';
import { auditedCallsOf } from '../table/audited-requests';
import { explainRules } from '../table/explain-rules';
import { openRulesTables, type RulesTables } from '../table/rules-tables';

interface ExplainFlags extends CommonOptions, TablesOptions {
  kind?: string;
  rules?: string;
  request?: string;
}

export interface ExplainOptions {
  kind: RuleKind;
  /** A payload file, or a request's task URL whose audited calls are decided again. */
  subject: { payload: string } | { request: string };
  /** Rule files to decide with instead of the rules table. */
  rulesDir?: string;
  tables: TablesOptions;
}

export interface ExplainedCall {
  replay: Replay;
  /** Replayable calls only: the trace under the rules explained with. */
  tree: TreeLine[];
}

export type ExplainOutcome =
  | { shows: 'problems'; problems: string[] }
  | { shows: 'payload'; kind: RuleKind; from: string; stateAsOf: Date; outcome: CaseOutcome; tree: TreeLine[] }
  | { shows: 'request'; request: string; from: string; auditTable: string; calls: ExplainedCall[] };

/** Reading live state must end; the functions' own budget is far shorter. */
const STATE_BUDGET_MS = 10_000;

export const explainCommand: CliCommand<[string | undefined, ExplainFlags], ExplainOptions, ExplainOutcome> = {
  declare: (program: Command) =>
    withTableOptions(
      withCommonOptions(
        program
          .command('explain')
          .description('show the reply Lumos would get for a payload, and why; or, with --request, re-decide a past call from its recorded facts')
          .argument('[payload]', 'a Lumos payload (.json)')
          .option('--kind <kind>', `the webhook: ${RULE_KINDS.join(', ')}`, 'pre_approval')
          .option('--rules <dir>', 'decide with these rule files instead of the rules table')
          .option('--request <url>', 'a request’s Lumos task URL: its audited calls decided again'),
      ),
      RULES_TABLES,
    ),
  options: ([payload, flags]) => {
    const kind = RULE_KINDS.find((known) => known === flags.kind);
    if (kind === undefined) throw new UsageError(`--kind ${JSON.stringify(flags.kind)}: one of ${RULE_KINDS.join(', ')}`);
    if ((payload === undefined) === (flags.request === undefined)) throw new UsageError('give a payload file, or --request <task URL> (not both)');
    return {
      kind,
      subject: payload === undefined ? { request: flags.request as string } : { payload },
      ...(flags.rules === undefined ? {} : { rulesDir: flags.rules }),
      tables: tablesOf(flags),
    };
  },
  run: async (options, deps) => {
    const needsTables = options.rulesDir === undefined || 'request' in options.subject || namesTables(options.tables);
    const db = needsTables ? await openRulesTables(options.tables) : undefined;
    try {
      return 'payload' in options.subject
        ? await explainPayload(options.subject.payload, options, deps, db)
        : await explainRequest(options.subject.request, options, deps.cwd, db as RulesTables);
    } finally {
      db?.close();
    }
  },
  exitCode: (outcome) => (outcome.shows === 'problems' || (outcome.shows === 'request' && outcome.calls.length === 0) ? EXIT.negative : EXIT.ok),
  print: {
    json: (outcome) => {
      switch (outcome.shows) {
        case 'problems':
          return { problems: outcome.problems };
        case 'payload':
          return { kind: outcome.kind, rules: outcome.from, ...outcome.outcome, tree: outcome.tree };
        case 'request':
          return { request: outcome.request, rules: outcome.from, calls: outcome.calls.map(callJson) };
      }
    },
    human: (outcome, c) => {
      switch (outcome.shows) {
        case 'problems':
          // Problems are sentences that name the file and path; the values in them are shown as prose.
          return outcome.problems.map((line) => c.red(prose(line)));
        case 'payload':
          return payloadLines(outcome, c);
        case 'request':
          return requestLines(outcome, c);
      }
    },
  },
};

async function explainPayload(file: string, options: ExplainOptions, deps: CommandDeps, db: RulesTables | undefined): Promise<ExplainOutcome> {
  const { kind } = options;
  const read = readDocumentFile(file, deps.cwd);
  if (!read.ok) return problems([formatFinding(read.problem)]);
  const parsed = parsePayload(read.document.value, kind);
  if (!parsed.ok) return problems(parsed.issues.map((issue) => `${file}: ${issue.path}: ${issue.message} (the webhook would answer 422)`));
  const rules = await explainRules(options.rulesDir, deps.cwd, db);
  if (!rules.ok) return problems(rules.problems.map(formatFinding));
  const entries = rules.rules.for(parsed.request.payload.application.app_id);
  const facts = await liveFacts(parsed.request, kind, entries, db, deps.now());
  const outcome = decideCase(kind, parsed.request, entries, facts);
  return { shows: 'payload', kind, from: rules.from, stateAsOf: facts.now, outcome, tree: traceTree(outcome.trace, entries, facts) };
}

const problems = (lines: string[]): ExplainOutcome => ({ shows: 'problems', problems: lines });

function payloadLines(outcome: Extract<ExplainOutcome, { shows: 'payload' }>, c: Colours): Printed[] {
  const decided = outcome.outcome;
  return [
    printed`${outcome.kind} with ${prose(outcome.from)}, state as of ${outcome.stateAsOf.toISOString()}:`,
    printed`Reply: ${c.bold(printed`${decided.reply}`)}${decided.reason === undefined ? '' : printed` (${prose(decided.reason)})`}`,
    ...(decided.message === undefined ? [] : [printed`Message: ${prose(decided.message)}`]),
    ...(decided.provisioner === undefined ? [] : [printed`Provisioner: ${decided.provisioner}`]),
    ...traceLines(outcome.tree, c),
  ];
}

/** The state the rules ask about, read live; none needed, none read. */
async function liveFacts(parsed: ParsedRequest, kind: RuleKind, entries: readonly RuleEntry[], db: RulesTables | undefined, now: Date): Promise<Facts> {
  const request = requestFacts(parsed);
  const needed = stateLookups(entries, kind, request);
  if (needed.shifts.length === 0 && needed.trainees.length === 0) return { request, now, shifts: [], trainings: [] };
  if (db?.stateTable === undefined) {
    throw new TableError('these rules ask about on-call or training: give --state-table NAME (with --endpoint) or --stack NAME to read live state');
  }
  const state = new DynamoStateSource(db.documents, db.stateTable);
  return (await loadFacts(state, now, entries, kind, request, new Deadline(STATE_BUDGET_MS))).facts;
}

async function explainRequest(taskUrl: string, options: ExplainOptions, cwd: string, db: RulesTables): Promise<ExplainOutcome> {
  if (db.auditTable === undefined) throw new UsageError('--request reads the audit: give --audit-table NAME (with --endpoint) or --stack NAME');
  const calls = await auditedCallsOf(db, db.auditTable, taskUrl);
  const rules = await explainRules(options.rulesDir, cwd, db);
  if (!rules.ok) return problems(rules.problems.map(formatFinding));
  const explained = calls.map((call): ExplainedCall => {
    const replay = replayCall(call, rules.rules.for(call.app_id));
    return { replay, tree: replay.replayable ? traceTree(replay.trace, rules.rules.for(call.app_id), replay.facts) : [] };
  });
  return { shows: 'request', request: taskUrl, from: rules.from, auditTable: db.auditTable, calls: explained };
}

function callJson({ replay, tree }: ExplainedCall): unknown {
  return replay.replayable
    ? { kind: replay.call.kind, at: replay.call.at, before: replay.before, after: replay.after, changed: replay.changed, tree }
    : { kind: replay.call.kind, at: replay.call.at, decision: replay.call.decision, replayable: false, why: replay.why };
}

function requestLines(outcome: Extract<ExplainOutcome, { shows: 'request' }>, c: Colours): Printed[] {
  if (outcome.calls.length === 0) return [printed`No audited call of ${outcome.request} in ${outcome.auditTable}.`];
  return outcome.calls.flatMap(({ replay, tree }) => {
    const head = printed`${replay.call.kind} at ${replay.call.at.split('#')[0] ?? ''}: recorded ${replay.call.decision}`;
    if (!replay.replayable) return [head, c.dim(printed`  not replayable: ${prose(replay.why)}`)];
    const again = printed`${replay.after.decision}${replay.changed ? c.yellow(printed` (different)`) : printed` (same)`}`;
    return [printed`${head}; with ${prose(outcome.from)}: ${again}`, ...traceLines(tree, c)];
  });
}

function traceLines(tree: readonly TreeLine[], c: Colours): Printed[] {
  return tree.length === 0 ? [printed`Trace: no rule of this kind for this app`] : [printed`Trace:`, ...tree.map((line) => formatTreeLine(line, c))];
}
