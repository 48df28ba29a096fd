/**
 * A case decided as the webhook would decide it: the same decision functions the services call
 * (src/services/pre-approval-service.ts, request-validation-service.ts, provisioning-service.ts),
 * and the same mapping from decision to Lumos reply (src/services/decision-replies.ts, result-replies.ts).
 * Provisioning stops where the service would call the provisioner: a chosen rule counts as done.
 */

import { entitlementsOf } from '../../../grants/entitlements';
import type { ParsedRequest } from '../../../lumos/payload';
import type { Reply, ReplyOutcome } from '../../../lumos/replies';
import { decidePreApproval } from '../../../rules/decisions/pre-approval-decision';
import { provisioningChooser } from '../../../rules/decisions/provisioning-choice';
import { decideRequestValidation } from '../../../rules/decisions/request-validation-decision';
import type { Facts } from '../../../rules/facts';
import type { RuleEntry, RuleKind } from '../../../rules/rule-item';
import type { RuleTrace } from '../../../rules/trace';
import { type Answer, preApprovalAnswer, requestValidationAnswer } from '../../../services/decision-replies';
import { messageContext } from '../../../services/request-validation-service';
import { plannedResult, provisioningAnswer } from '../../../services/result-replies';

export interface CaseOutcome {
  /** The reply's `response` (PROVISIONED for provisioning's 204). */
  reply: ReplyOutcome;
  message?: string;
  reason?: string;
  /** The rule that decided (for provisioning, each permission's, comma-separated). */
  rule_id?: string;
  /** Provisioning: the chosen provisioners, comma-separated. */
  provisioner?: string;
  trace: RuleTrace[];
}

export function decideCase(kind: RuleKind, parsed: ParsedRequest, entries: readonly RuleEntry[], facts: Facts): CaseOutcome {
  if (kind === 'pre_approval') {
    const decision = decidePreApproval(entries, facts);
    return { ...shown(preApprovalAnswer(decision)), trace: decision.trace };
  }
  if (kind === 'request_validation') {
    // As the service with the default fail mode (`closed`) and the default misconfiguration message.
    const decision = decideRequestValidation(entries, facts, messageContext(parsed));
    return { ...shown(requestValidationAnswer(decision)), trace: decision.trace };
  }
  return provisioning(parsed, entries, facts);
}

/** Provisioning reads no state: its rules cannot ask for any. */
function provisioning(parsed: ParsedRequest, entries: readonly RuleEntry[], facts: Facts): CaseOutcome {
  const chooser = provisioningChooser(entries, { ...facts, shifts: [], trainings: [] });
  const results = entitlementsOf(parsed).map((entitlement) => plannedResult(chooser.choose(entitlement.permission.value)));
  const answer = provisioningAnswer(results, parsed.payload.application.user_friendly_label ?? parsed.payload.application.app_id);
  const provisioners = [...new Set(results.flatMap((result) => (result.provisioner === undefined ? [] : [result.provisioner])))];
  return {
    ...shown(answer, answer.rule_ids.join(', ') || undefined),
    ...(provisioners.length === 0 ? {} : { provisioner: provisioners.join(', ') }),
    trace: chooser.trace,
  };
}

/** What the reply says, and the rule that decided it. */
function shown(answer: Answer<Reply>, ruleId = answer.rule_ids[0]): Pick<CaseOutcome, 'reply' | 'message' | 'reason' | 'rule_id'> {
  const reason = answer.reply.body?.reason;
  return {
    reply: answer.outcome,
    ...(answer.message === undefined ? {} : { message: answer.message }),
    // As the reply carries it: provisioning's replies carry none.
    ...(reason === undefined ? {} : { reason }),
    ...(ruleId === undefined ? {} : { rule_id: ruleId }),
  };
}
