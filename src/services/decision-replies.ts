/**
 * The one mapping from a kind's decision to its Lumos reply, one function per kind, with what the
 * audit item and the rules CLI record of it (`lumos-rules test` and `explain`:
 * src/cli/rules/rule-tests/decide-case.ts; `plan`'s replay: src/cli/rules/replay/replay.ts). Each
 * takes the values from the decision; none reads a reply's body back. Here the kinds a rule
 * decides outright; provisioning and deprovisioning, whose reply adds up each permission's
 * result, in src/services/result-replies.ts (apart, so these functions' bundles carry no grant).
 */
import type { AuditDecision } from '../audit/record';
import {
  LUMOS_RESPONSE,
  type PreApprovalReply,
  type Reply,
  type ReplyOutcome,
  type RequestValidationReply,
  replies,
  VALIDATION_MISCONFIGURED_MESSAGE,
  VALIDATION_UNAVAILABLE_MESSAGE,
} from '../lumos/replies';
import type { PreApprovalDecision } from '../rules/decisions/pre-approval-decision';
import type { ValidationDecision } from '../rules/decisions/request-validation-decision';
import type { FailMode } from './fail-mode';

/** A kind's answer: the reply Lumos gets, and in the audit item's words what it says. */
export interface Answer<R extends Reply> {
  reply: R;
  /** The audit item's `decision`: what Lumos was told, or `failure` when the check could not run. */
  decision: AuditDecision;
  /** What Lumos was told: the reply's `response`, or what its 204 stands for. */
  outcome: ReplyOutcome;
  reason: string;
  /** The rules that decided: request validation's every unmet requirement, provisioning's each permission's (once each). */
  rule_ids: string[];
  /** What the requester, or an admin reading Lumos, is shown. */
  message?: string;
}

export function preApprovalAnswer(decision: PreApprovalDecision): Answer<PreApprovalReply> {
  const response = decision.approved ? LUMOS_RESPONSE.PREAPPROVED : LUMOS_RESPONSE.NOT_PREAPPROVED;
  const { reason, rule_id } = decision;
  const detail = { reason, ...(rule_id === undefined ? {} : { rule_id }) };
  const reply = decision.approved ? replies.preApproved(detail) : replies.notPreApproved(detail);
  return { reply, decision: response, outcome: response, reason, rule_ids: rule_id === undefined ? [] : [rule_id] };
}

/** What request validation answers when its check cannot run: the deployment's setting. */
export interface ValidationFallback {
  failMode: FailMode;
  /** Shown while an invalid rule item blocks the check: it will not fix itself, so no "try again". */
  misconfiguredMessage: string;
}

/** The defaults, which `lumos-rules test` and `explain` decide with. */
export const DEFAULT_VALIDATION_FALLBACK: ValidationFallback = { failMode: 'closed', misconfiguredMessage: VALIDATION_MISCONFIGURED_MESSAGE };

/** `closed` blocks with a message saying why; `open` lets the request through. */
export function validationFailureReply(failMode: FailMode, reason: string, message: string = VALIDATION_UNAVAILABLE_MESSAGE): RequestValidationReply {
  return failMode === 'open' ? replies.validationPassed({ reason: `${reason}; fail mode open` }) : replies.validationFailed(message, { reason });
}

export function requestValidationAnswer(
  decision: ValidationDecision,
  fallback: ValidationFallback = DEFAULT_VALIDATION_FALLBACK,
): Answer<RequestValidationReply> {
  const { reason } = decision;
  if (decision.status === 'unavailable') {
    const reply = validationFailureReply(fallback.failMode, reason, fallback.misconfiguredMessage);
    const { response, message } = reply.body;
    return { reply, decision: 'failure', outcome: response, reason, rule_ids: [decision.rule_id], ...(message === undefined ? {} : { message }) };
  }
  if (decision.status === 'blocked') {
    const message = decision.messages.join(' ');
    const response = LUMOS_RESPONSE.VALIDATION_FAILED;
    return { reply: replies.validationFailed(message, { reason }), decision: response, outcome: response, reason, rule_ids: decision.rule_ids, message };
  }
  const response = LUMOS_RESPONSE.VALIDATION_PASSED;
  return { reply: replies.validationPassed({ reason }), decision: response, outcome: response, reason, rule_ids: [] };
}
