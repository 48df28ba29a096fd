/**
 * A past call decided again, from the facts its audit item recorded, under other rules (the
 * rules CLI's `plan` and `explain --request`). Only facts the call loaded are used: when the
 * other rules would ask about state the call never read, the call is not replayable, never
 * decided as if that state were absent.
 */
import { type AuditedCall, type AuditedResult, type ReadFacts, readFacts } from '../../../audit/audited-call';
import { LUMOS_RESPONSE, type Reply } from '../../../lumos/replies';
import { decidePreApproval } from '../../../rules/decisions/pre-approval-decision';
import { provisioningChooser } from '../../../rules/decisions/provisioning-choice';
import { decideRequestValidation, type MessageContext } from '../../../rules/decisions/request-validation-decision';
import type { CustomFieldValue, Facts } from '../../../rules/facts';
import { stateLookups } from '../../../rules/lookups';
import type { RuleEntry, RuleKind } from '../../../rules/rule-item';
import type { RuleTrace } from '../../../rules/trace';
import { type Answer, preApprovalAnswer, requestValidationAnswer } from '../../../services/decision-replies';
import { namedPermission, permissionsToGrant, plannedResult } from '../../../services/result-replies';

export interface ReplayedOutcome {
  /** The reply value (`PREAPPROVED`, `VALIDATION_FAILED`, `failure`…); for provisioning, each permission's choice. */
  decision: string;
  /** The rules that decided it. */
  rule_ids: string[];
  /** What a blocked requester reads. */
  message?: string;
}

export type Replay =
  | { replayable: false; call: AuditedCall; why: string }
  | { replayable: true; call: AuditedCall; facts: Facts; before: ReplayedOutcome; after: ReplayedOutcome; changed: boolean; trace: RuleTrace[] };

/** Provisioning results that name the grant's earlier rule, not the one the rules chose for this call. */
const HELD_BEFORE = new Set(['hold_added', 'already_granted']);

/**
 * `entries`: the rules the functions would read for the call's app (its partition and `*`'s,
 * as src/store/rule-source.ts reads them).
 */
export function replayCall(call: AuditedCall, entries: readonly RuleEntry[]): Replay {
  const notReplayable = (why: string): Replay => ({ replayable: false, call, why });
  if (call.kind === 'deprovisioning') return notReplayable('deprovisioning decides by the ledger, not by rules');
  if (call.subject === null) return notReplayable('the call named no subject');
  if (call.kind === 'provisioning' && (call.results ?? []).some((result) => HELD_BEFORE.has(result.status))) {
    return notReplayable('choice not recorded (the grant was already held, under the rule that first granted it)');
  }
  const onRecord = readFacts(call);
  if (onRecord.status !== 'recorded') return notReplayable(onRecord.why);
  const kind: RuleKind = call.kind;
  const facts = factsOf(call, call.subject, onRecord.facts);
  const missing = missingFact(entries, kind, facts, onRecord.facts);
  if (missing) return notReplayable(`fact not recorded (${missing})`);
  const context = {
    app: onRecord.facts.labels?.app ?? call.app_id,
    email: call.subject,
    permission: onRecord.facts.labels?.permission ?? call.permissions.join(', '),
  };
  const decided = decideKind(kind, entries, facts, context);
  const before = recordedOutcome(call);
  return { replayable: true, call, facts, before, after: decided.outcome, changed: outcomesDiffer(before, decided.outcome), trace: decided.trace };
}

/** A different reply, or the same refusal with a different message for the requester. */
export function outcomesDiffer(a: ReplayedOutcome, b: ReplayedOutcome): boolean {
  return a.decision !== b.decision || (a.message !== undefined && b.message !== undefined && a.message !== b.message);
}

function factsOf(call: AuditedCall, subject: string, recorded: ReadFacts): Facts {
  // As the payload's: no prototype, so a field named like an Object member is only a field.
  const customFields = Object.assign(Object.create(null) as Record<string, CustomFieldValue>, recorded.custom_fields);
  return {
    request: {
      appId: call.app_id,
      permissions: call.permissions,
      target: subject,
      requester: call.requester,
      accessLength: recorded.access_length,
      customFields,
    },
    now: new Date(recorded.now),
    shifts: recorded.on_call.found.map(([schedule, email, starts_at, ends_at, source, level]) => ({
      schedule,
      email,
      starts_at,
      ends_at,
      ...(source === undefined || source === null ? {} : { source }),
      ...(level === undefined || level === null ? {} : { escalation_level: level }),
    })),
    scheduleSources: (recorded.on_call.sources ?? []).map(([schedule, source, last_success, stale_after]) => ({ schedule, source, last_success, stale_after })),
    trainings: recorded.training.found.map(([email, course, completed_at, expires_at]) => ({ email, course, completed_at, expires_at })),
  };
}

/** State the rules would read that the call did not: which, without naming the person. */
function missingFact(rules: readonly RuleEntry[], kind: RuleKind, facts: Facts, recorded: ReadFacts): string | null {
  const needed = stateLookups(rules, kind, facts.request);
  const shifts = new Set(recorded.on_call.looked_up.map(([schedule, email]) => `${schedule}\n${email}`));
  const unread = needed.shifts.find(({ schedule, email }) => !shifts.has(`${schedule}\n${email}`));
  if (unread) return `on-call of schedule "${unread.schedule}"`;
  const trainees = new Set(recorded.training.looked_up);
  if (needed.trainees.some((email) => !trainees.has(email))) return 'training records';
  return null;
}

/**
 * One kind's decision from facts, as its service makes it, in the words an audit item records:
 * the reply value (`failure` when request validation cannot run), or each permission's
 * provisioning choice (`lumos-rules test` and `explain` show the reply itself: src/cli/rules/rule-tests/decide-case.ts).
 */
export function decideKind(
  kind: RuleKind,
  rules: readonly RuleEntry[],
  facts: Facts,
  context: MessageContext,
): { outcome: ReplayedOutcome; reason: string; trace: RuleTrace[] } {
  if (kind === 'pre_approval') {
    const decision = decidePreApproval(rules, facts);
    return { outcome: recorded(preApprovalAnswer(decision)), reason: decision.reason, trace: decision.trace };
  }
  if (kind === 'request_validation') {
    const decision = decideRequestValidation(rules, facts, context);
    return { outcome: recorded(requestValidationAnswer(decision)), reason: decision.reason, trace: decision.trace };
  }
  const chooser = provisioningChooser(rules, facts);
  const choices = permissionsToGrant([...new Set(facts.request.permissions)]).map((permission) =>
    choiceOf(permission, plannedResult(chooser.choose(permission))),
  );
  const outcome = provisioningOutcome(choices);
  return { outcome, reason: outcome.decision, trace: chooser.trace };
}

/**
 * As its audit item records it: the decision, and a refusal's message (a `failure` records the
 * message of the deployment's fail mode, which a replay cannot know).
 */
function recorded(answer: Answer<Reply>): ReplayedOutcome {
  const message = answer.decision === LUMOS_RESPONSE.VALIDATION_FAILED ? answer.message : undefined;
  return { decision: answer.decision, rule_ids: answer.rule_ids, ...(message === undefined ? {} : { message }) };
}

interface PermissionChoice {
  permission: string;
  text: string;
  rule_id?: string;
}

/** What a permission's result says was chosen for it: the result the call recorded, or the one a replay plans. */
function choiceOf(permission: string, result: AuditedResult | undefined): PermissionChoice {
  if (result?.rule_id !== undefined && result.provisioner !== undefined)
    return { permission, text: `rule ${result.rule_id} (${result.provisioner})`, rule_id: result.rule_id };
  if (result?.status === 'no_rule') return { permission, text: 'no rule' };
  if (result?.rule_id !== undefined) return { permission, text: `rule ${result.rule_id} is invalid`, rule_id: result.rule_id };
  return { permission, text: 'not recorded' };
}

function provisioningOutcome(choices: readonly PermissionChoice[]): ReplayedOutcome {
  return {
    decision: choices.map((choice) => `${namedPermission(choice.permission)}: ${choice.text}`).join('; '),
    rule_ids: [...new Set(choices.flatMap((choice) => (choice.rule_id === undefined ? [] : [choice.rule_id])))],
  };
}

/** As the service granted them: each named once, or the app itself. */
const grantedPermissions = (call: AuditedCall): string[] => permissionsToGrant([...new Set(call.permissions)]);

function recordedOutcome(call: AuditedCall): ReplayedOutcome {
  if (call.kind !== 'provisioning') {
    const message = call.decision === LUMOS_RESPONSE.VALIDATION_FAILED ? call.message : undefined;
    return { decision: call.decision, rule_ids: call.rule_id === undefined ? [] : [call.rule_id], ...(message === undefined ? {} : { message }) };
  }
  const results = call.results ?? [];
  return provisioningOutcome(
    grantedPermissions(call).map((permission) =>
      choiceOf(
        permission,
        results.find((result) => result.permission === permission),
      ),
    ),
  );
}
