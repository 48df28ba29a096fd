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
import type { CommandContext } from '../../shared/command-context';
import { type CommonOptions, withCommonOptions } from '../../shared/common-options';
import { EXIT } from '../../shared/exit-codes';
import { formatFinding } from '../../shared/finding';
import { type CommandReport, writeReport } from '../../shared/output';
import { readDocumentFile } from '../../shared/rule-files';
import { TargetError } from '../../shared/target-error';
import { type Colours, type Printed, printed, prose } from '../../shared/terminal-text';
import { UsageError } from '../../shared/usage-error';
import { replayCall } from '../replay/replay';
import { decideCase } from '../rule-tests/decide-case';
import { formatTreeLine, traceTree } from '../rule-tests/trace-tree';
import { auditedCallsOf } from '../table/audited-requests';
import { explainRules } from '../table/explain-rules';
import { namesTarget, resolveTarget, type Target, type TargetOptions } from '../table/target';
import { targetOptions, withTargetOptions } from '../table/target-options';

interface ExplainOptions extends CommonOptions, TargetOptions {
  kind?: string;
  rules?: string;
  request?: string;
}

/** Reading live state must end; the functions' own budget is far shorter. */
const STATE_BUDGET_MS = 10_000;

export function defineExplain(program: Command, { io, finish }: CommandContext): void {
  withTargetOptions(
    withCommonOptions(
      program
        .command('explain')
        .description('show the reply Lumos would get for a payload, and why; or, with --request, re-decide a past call from its recorded facts')
        .argument('[payload]', 'a Lumos payload (.json)')
        .option('--kind <kind>', `the webhook: ${RULE_KINDS.join(', ')}`, 'pre_approval')
        .option('--rules <dir>', 'decide with these rule files instead of the rules table')
        .option('--request <url>', 'a request’s Lumos task URL: its audited calls decided again'),
    ),
  ).action(async (payload: string | undefined, options: ExplainOptions) => {
    const kind = RULE_KINDS.find((known) => known === options.kind);
    if (kind === undefined) throw new UsageError(`--kind ${JSON.stringify(options.kind)}: one of ${RULE_KINDS.join(', ')}`);
    if ((payload === undefined) === (options.request === undefined)) throw new UsageError('give a payload file, or --request <task URL> (not both)');
    const needsTarget = options.rules === undefined || options.request !== undefined || namesTarget(options);
    const target = needsTarget ? await resolveTarget(targetOptions(options)) : undefined;
    try {
      const report =
        options.request === undefined
          ? await explainPayload(payload as string, kind, options, io.cwd, target)
          : await explainRequest(options.request, options, io.cwd, target as Target);
      finish(writeReport(io, report, options));
    } finally {
      target?.close();
    }
  });
}

async function explainPayload(file: string, kind: RuleKind, options: ExplainOptions, cwd: string, target: Target | undefined): Promise<CommandReport> {
  const read = readDocumentFile(file, cwd);
  if (!read.ok) return problemsReport([formatFinding(read.problem)]);
  const parsed = parsePayload(read.document.value, kind);
  if (!parsed.ok) return problemsReport(parsed.issues.map((issue) => `${file}: ${issue.path}: ${issue.message} (the webhook would answer 422)`));
  const rules = await explainRules(options.rules, cwd, target);
  if (!rules.ok) return problemsReport(rules.problems.map(formatFinding));
  const entries = rules.rules.for(parsed.request.payload.application.app_id);
  const facts = await liveFacts(parsed.request, kind, entries, target);
  const outcome = decideCase(kind, parsed.request, entries, facts);
  const tree = traceTree(outcome.trace, entries, facts);
  return {
    exitCode: EXIT.ok,
    json: { kind, rules: rules.from, ...outcome, tree },
    human: (c) => [
      printed`${kind} with ${prose(rules.from)}, state as of ${facts.now.toISOString()}:`,
      printed`Reply: ${c.bold(printed`${outcome.reply}`)}${outcome.reason === undefined ? '' : printed` (${prose(outcome.reason)})`}`,
      ...(outcome.message === undefined ? [] : [printed`Message: ${prose(outcome.message)}`]),
      ...(outcome.provisioner === undefined ? [] : [printed`Provisioner: ${outcome.provisioner}`]),
      ...traceLines(tree, c),
    ],
  };
}

/** The state the rules ask about, read live; none needed, none read. */
async function liveFacts(parsed: ParsedRequest, kind: RuleKind, entries: readonly RuleEntry[], target: Target | undefined): Promise<Facts> {
  const request = requestFacts(parsed);
  const now = new Date();
  const needed = stateLookups(entries, kind, request);
  if (needed.shifts.length === 0 && needed.trainees.length === 0) return { request, now, shifts: [], trainings: [] };
  if (target?.stateTable === undefined) {
    throw new TargetError('these rules ask about on-call or training: give --state-table NAME (with --endpoint) or --stack NAME to read live state');
  }
  const state = new DynamoStateSource(target.documents, target.stateTable);
  return (await loadFacts(state, now, entries, kind, request, new Deadline(STATE_BUDGET_MS))).facts;
}

async function explainRequest(taskUrl: string, options: ExplainOptions, cwd: string, target: Target): Promise<CommandReport> {
  if (target.auditTable === undefined) throw new UsageError('--request reads the audit: give --audit-table NAME (with --endpoint) or --stack NAME');
  const calls = await auditedCallsOf(target, target.auditTable, taskUrl);
  const rules = await explainRules(options.rules, cwd, target);
  if (!rules.ok) return problemsReport(rules.problems.map(formatFinding));
  const replays = calls.map((call) => replayCall(call, rules.rules.for(call.app_id)));
  return {
    exitCode: calls.length === 0 ? EXIT.negative : EXIT.ok,
    json: {
      request: taskUrl,
      rules: rules.from,
      calls: replays.map((replay) =>
        replay.replayable
          ? {
              kind: replay.call.kind,
              at: replay.call.at,
              before: replay.before,
              after: replay.after,
              changed: replay.changed,
              tree: traceTree(replay.trace, rules.rules.for(replay.call.app_id), replay.facts),
            }
          : { kind: replay.call.kind, at: replay.call.at, decision: replay.call.decision, replayable: false, why: replay.why },
      ),
    },
    human: (c) =>
      calls.length === 0
        ? [printed`No audited call of ${taskUrl} in ${target.auditTable ?? ''}.`]
        : replays.flatMap((replay) => {
            const head = printed`${replay.call.kind} at ${replay.call.at.split('#')[0] ?? ''}: recorded ${replay.call.decision}`;
            if (!replay.replayable) return [head, c.dim(printed`  not replayable: ${prose(replay.why)}`)];
            const again = printed`${replay.after.decision}${replay.changed ? c.yellow(printed` (different)`) : printed` (same)`}`;
            return [
              printed`${head}; with ${prose(rules.from)}: ${again}`,
              ...traceLines(traceTree(replay.trace, rules.rules.for(replay.call.app_id), replay.facts), c),
            ];
          }),
  };
}

function traceLines(tree: ReturnType<typeof traceTree>, c: Colours): Printed[] {
  return tree.length === 0 ? [printed`Trace: no rule of this kind for this app`] : [printed`Trace:`, ...tree.map((line) => formatTreeLine(line, c))];
}

/** Problems as sentences that name the file and path; the values in them are shown as prose. */
function problemsReport(lines: string[]): CommandReport {
  return { exitCode: EXIT.negative, json: { problems: lines }, human: (c) => lines.map((line) => c.red(prose(line))) };
}
