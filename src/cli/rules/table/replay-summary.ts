/**
 * A replay of many audited calls, summed up for `plan`: how many decisions change under the
 * proposed rules, per app and rule, with a few examples each; how many could not be replayed and
 * why; and how many already come out differently under the table's current rules (the table
 * changed since those calls), so a change is never blamed on the files that the table made.
 */
import type { AuditedCall } from '../../../audit/audited-call';
import { outcomesDiffer, type ReplayedOutcome, replayCall } from '../replay/replay';
import type { RuleItem } from './rule-table';
import { RulesByApp } from './rules-by-app';

export const EXAMPLES_PER_GROUP = 3;

export interface ReplayExample {
  kind: string;
  permissions: string[];
  before: string;
  after: string;
  /** Only with `--show-subjects`: CI logs carry no emails otherwise. */
  subject?: string;
}

export interface ChangeGroup {
  app_id: string;
  /** The rules that decide the new outcome (else the old one); `(no rule)` when none did. */
  rule_id: string;
  changed: number;
  examples: ReplayExample[];
}

export interface ReplaySummary {
  calls: number;
  replayed: number;
  changed: number;
  unchanged: number;
  notReplayable: number;
  /** Why, with how many calls each. */
  reasons: Record<string, number>;
  /** Calls whose decision already differs under the table's current rules. */
  alreadyDifferent: number;
  groups: ChangeGroup[];
}

/**
 * `current`: the table's rules now; `proposed`: the table as apply would leave it. A decision
 * changes when the proposed rules decide differently from the current ones (or, where the current
 * ones cannot replay the call, from what was recorded); a call whose recorded decision the current
 * rules already contradict is counted apart, never blamed on the files.
 */
export function summariseReplay(
  calls: readonly AuditedCall[],
  proposed: readonly RuleItem[],
  current: readonly RuleItem[],
  options: { showSubjects: boolean },
): ReplaySummary {
  const summary: ReplaySummary = { calls: calls.length, replayed: 0, changed: 0, unchanged: 0, notReplayable: 0, reasons: {}, alreadyDifferent: 0, groups: [] };
  const groups = new Map<string, ChangeGroup>();
  const proposedRules = new RulesByApp(proposed);
  const currentRules = new RulesByApp(current);
  for (const call of calls) {
    const replay = replayCall(call, proposedRules.for(call.app_id));
    if (!replay.replayable) {
      summary.notReplayable += 1;
      const reason = replay.why.replace(/ \(.*\)$/, '');
      summary.reasons[reason] = (summary.reasons[reason] ?? 0) + 1;
      continue;
    }
    summary.replayed += 1;
    const now = replayCall(call, currentRules.for(call.app_id));
    if (now.replayable && now.changed) summary.alreadyDifferent += 1;
    const baseline = now.replayable ? now.after : replay.before;
    if (!outcomesDiffer(baseline, replay.after)) {
      summary.unchanged += 1;
      continue;
    }
    summary.changed += 1;
    addExample(groups, call, baseline, replay.after, options);
  }
  summary.groups = [...groups.values()].sort((a, b) => b.changed - a.changed || a.app_id.localeCompare(b.app_id) || a.rule_id.localeCompare(b.rule_id));
  return summary;
}

function addExample(
  groups: Map<string, ChangeGroup>,
  call: AuditedCall,
  before: ReplayedOutcome,
  after: ReplayedOutcome,
  options: { showSubjects: boolean },
): void {
  const ruleIds = after.rule_ids.length > 0 ? after.rule_ids : before.rule_ids;
  const ruleId = ruleIds.join(', ') || '(no rule)';
  const key = JSON.stringify([call.app_id, ruleId]);
  const group = groups.get(key) ?? { app_id: call.app_id, rule_id: ruleId, changed: 0, examples: [] };
  group.changed += 1;
  if (group.examples.length < EXAMPLES_PER_GROUP) {
    group.examples.push({
      kind: call.kind,
      permissions: call.permissions,
      before: describe(before),
      after: describe(after),
      ...(options.showSubjects && call.subject !== null ? { subject: call.subject } : {}),
    });
  }
  groups.set(key, group);
}

/** The reply, and for a refusal the message the requester reads. */
const describe = (outcome: ReplayedOutcome): string => (outcome.message === undefined ? outcome.decision : `${outcome.decision} ("${outcome.message}")`);
