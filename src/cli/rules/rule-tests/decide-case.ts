/**
 * A case decided as the webhook would decide it: the same decision functions the services call
 * (src/services/pre-approval-service.ts, request-validation-service.ts, provisioning-service.ts),
 * and the same mapping from decision to Lumos reply, kept in step with theirs. Provisioning stops
 * where the service would call the provisioner: a chosen rule counts as done.
 */
import type { PermissionResult } from '../../../audit/record';
import type { ParsedRequest } from '../../../lumos/payload';
import { type Reply, replies, VALIDATION_MISCONFIGURED_MESSAGE } from '../../../lumos/replies';
import { decidePreApproval } from '../../../rules/decisions/pre-approval-decision';
import { chooseProvisioningRule } from '../../../rules/decisions/provisioning-choice';
import { decideRequestValidation } from '../../../rules/decisions/request-validation-decision';
import type { Facts } from '../../../rules/facts';
import { provisionerName } from '../../../rules/provisioner-spec';
import type { RuleEntry, RuleKind } from '../../../rules/rule-item';
import type { RuleTrace } from '../../../rules/trace';
import { provisioningReply } from '../../../services/grant-results';
import { messageContext } from '../../../services/request-validation-service';
import { PROVISIONED } from './test-file';

export interface CaseOutcome {
  /** The reply's `response` (PROVISIONED for provisioning's 204). */
  reply: string;
  message?: string;
  reason?: string;
  /** The rule that decided (for provisioning, each permission's, comma-separated). */
  rule_id?: string;
  /** Provisioning: the chosen provisioners, comma-separated. */
  provisioner?: string;
  trace: RuleTrace[];
}

export function decideCase(kind: RuleKind, parsed: ParsedRequest, entries: readonly RuleEntry[], facts: Facts): CaseOutcome {
  if (kind === 'pre_approval') return preApproval(entries, facts);
  if (kind === 'request_validation') return requestValidation(parsed, entries, facts);
  return provisioning(parsed, entries, facts);
}

function preApproval(entries: readonly RuleEntry[], facts: Facts): CaseOutcome {
  const decision = decidePreApproval(entries, facts);
  const detail = { reason: decision.reason, ...(decision.rule_id === undefined ? {} : { rule_id: decision.rule_id }) };
  const reply = decision.approved ? replies.preApproved(detail) : replies.notPreApproved(detail);
  return { ...fromReply(reply), ...(decision.rule_id === undefined ? {} : { rule_id: decision.rule_id }), trace: decision.trace };
}

/** As the service with the default fail mode (`closed`) and the default misconfiguration message. */
function requestValidation(parsed: ParsedRequest, entries: readonly RuleEntry[], facts: Facts): CaseOutcome {
  const decision = decideRequestValidation(entries, facts, messageContext(parsed));
  if (decision.status === 'unavailable') {
    const reply = replies.validationFailed(VALIDATION_MISCONFIGURED_MESSAGE, { reason: decision.reason });
    return { ...fromReply(reply), rule_id: decision.rule_id, trace: decision.trace };
  }
  if (decision.status === 'blocked') {
    const reply = replies.validationFailed(decision.messages.join(' '), { reason: decision.reason });
    return { ...fromReply(reply), ...(decision.rule_ids[0] === undefined ? {} : { rule_id: decision.rule_ids[0] }), trace: decision.trace };
  }
  return { ...fromReply(replies.validationPassed({ reason: decision.reason })), trace: decision.trace };
}

/** Provisioning reads no state: its rules cannot ask for any. */
function provisioning(parsed: ParsedRequest, entries: readonly RuleEntry[], facts: Facts): CaseOutcome {
  const stateless: Facts = { ...facts, shifts: [], trainings: [] };
  const trace: RuleTrace[] = [];
  const results = parsed.payload.permissions.map((permission): PermissionResult => {
    const choice = chooseProvisioningRule(entries, permission.value, stateless);
    trace.push(...choice.trace.filter((item) => !trace.some((seen) => seen.rule_id === item.rule_id && seen.app_id === item.app_id)));
    if (choice.status === 'none') return { permission: permission.value, status: 'no_rule', detail: 'no enforced provisioning rule covers it' };
    if (choice.status === 'invalid')
      return { permission: permission.value, status: 'failed', rule_id: choice.rule_id, detail: `rule ${choice.rule_id} is invalid` };
    const provisioner = provisionerName(choice.rule.provisioner);
    return { permission: permission.value, status: 'granted', rule_id: choice.rule.rule_id, provisioner, detail: `granted by ${provisioner}` };
  });
  const reply = provisioningReply(results, parsed.payload.application.user_friendly_label ?? parsed.payload.application.app_id);
  const joined = (values: (string | undefined)[]) => [...new Set(values.filter((value): value is string => value !== undefined))].join(', ') || undefined;
  const ruleId = joined(results.map((result) => result.rule_id));
  const provisioner = joined(results.map((result) => result.provisioner));
  return { ...fromReply(reply), ...(ruleId === undefined ? {} : { rule_id: ruleId }), ...(provisioner === undefined ? {} : { provisioner }), trace };
}

function fromReply(reply: Reply): Pick<CaseOutcome, 'reply' | 'message' | 'reason'> {
  const { body } = reply;
  return {
    reply: reply.statusCode === 204 ? PROVISIONED : String(body?.response),
    ...(typeof body?.message === 'string' ? { message: body.message } : {}),
    ...(typeof body?.reason === 'string' ? { reason: body.reason } : {}),
  };
}
