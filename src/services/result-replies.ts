/**
 * Provisioning's and deprovisioning's replies (the mapping's other kinds:
 * src/services/decision-replies.ts): one result per permission, and the one reply they add up
 * to, with what the audit item records of it. `lumos-rules test`, `explain` and the replay stop
 * where the service calls a target, with the results a chosen rule would give.
 */
import type { PermissionResult } from '../audit/record';
import type { AuditEntry } from '../audit/writer';
import { APP_ITSELF } from '../grants/grant-item';
import { type DeprovisioningReply, DONE_OUTCOME, LUMOS_RESPONSE, type ProvisioningReply, type Reply, replies } from '../lumos/replies';
import type { PermissionChoice, ProvisioningChoice } from '../rules/decisions/provisioning-choice';
import { provisionerName } from '../rules/provisioner-spec';
import type { RuleTrace } from '../rules/trace';
import type { Answer } from './decision-replies';

/** The permissions a provisioning call grants: those named, or the app itself when none is. */
export const permissionsToGrant = (permissions: readonly string[]): string[] => (permissions.length === 0 ? [APP_ITSELF] : [...permissions]);

/** A permission's result when no target is called: no rule covers it, or the rule in scope is invalid. */
export function unprovisionedResult(permission: string, choice: Exclude<ProvisioningChoice, { status: 'rule' }>): PermissionResult {
  if (choice.status === 'none') return { permission, status: 'no_rule', detail: 'no enforced provisioning rule covers it' };
  return { permission, status: 'failed', rule_id: choice.rule_id, detail: `rule ${choice.rule_id} is invalid` };
}

/** The result as if the chosen provisioner granted it: where `lumos-rules test`, `explain` and the replay stop. */
export function plannedResult({ permission, choice }: PermissionChoice): PermissionResult {
  if (choice.status !== 'rule') return unprovisionedResult(permission, choice);
  const provisioner = provisionerName(choice.rule.provisioner);
  return { permission, status: 'granted', rule_id: choice.rule.rule_id, provisioner, detail: `granted by ${provisioner}` };
}

/** How a permission is named in a message: an app-level grant has none. */
export const namedPermission = (permission: string) => (permission === APP_ITSELF ? 'the app itself' : permission);
const label = (results: readonly PermissionResult[]) => results.map((result) => namedPermission(result.permission)).join(', ');
const summary = (results: readonly PermissionResult[]) =>
  results.map((result) => `${namedPermission(result.permission)}: ${result.status}`).join('; ') || 'nothing to do';
const ruleIdsOf = (results: readonly PermissionResult[]) => [...new Set(results.flatMap((result) => (result.rule_id === undefined ? [] : [result.rule_id])))];

/**
 * Success only if every permission succeeded; otherwise a message listing what succeeded and
 * what failed, so an admin's re-run (idempotent) finishes the rest.
 */
export function provisioningAnswer(results: readonly PermissionResult[], appLabel: string): Answer<ProvisioningReply> {
  const failed = results.filter((result) => result.status === 'failed');
  const uncovered = results.filter((result) => result.status === 'no_rule');
  const done = results.filter((result) => result.status !== 'failed' && result.status !== 'no_rule');
  const doneNote = done.length > 0 ? ` Done: ${label(done)}.` : '';
  const base = { reason: summary(results), rule_ids: ruleIdsOf(results) };
  if (failed.length > 0) {
    const why = failed.map((result) => `${namedPermission(result.permission)} (${result.detail})`).join('; ');
    const rest = uncovered.length > 0 ? ` No rule covers: ${label(uncovered)}.` : '';
    const message = `Provisioning failed for ${why}.${doneNote}${rest}`;
    const response = LUMOS_RESPONSE.PROVISIONING_FAILED;
    return { reply: replies.provisioningFailed(message), decision: response, outcome: response, ...base, message };
  }
  if (uncovered.length > 0) {
    const message = `No provisioning rule covers ${label(uncovered)} in ${appLabel}; it needs to be provisioned by hand.${doneNote}`;
    const response = LUMOS_RESPONSE.NO_PROVISIONING_ACTION;
    return { reply: replies.noProvisioningAction(message), decision: response, outcome: response, ...base, message };
  }
  return { reply: replies.provisioned(), decision: DONE_OUTCOME.provisioning, outcome: DONE_OUTCOME.provisioning, ...base };
}

export function deprovisioningAnswer(results: readonly PermissionResult[]): Answer<DeprovisioningReply> {
  const failed = results.filter((result) => result.status === 'failed');
  const base = { reason: summary(results), rule_ids: ruleIdsOf(results) };
  if (failed.length === 0) return { reply: replies.deprovisioned(), decision: DONE_OUTCOME.deprovisioning, outcome: DONE_OUTCOME.deprovisioning, ...base };
  const done = results.filter((result) => result.status !== 'failed');
  const why = failed.map((result) => `${namedPermission(result.permission)} (${result.detail})`).join('; ');
  const message = `Deprovisioning failed for ${why}.${done.length > 0 ? ` Done: ${label(done)}.` : ''}`;
  const response = LUMOS_RESPONSE.DEPROVISIONING_FAILED;
  return { reply: replies.deprovisioningFailed(message), decision: response, outcome: response, ...base, message };
}

/** The audit entry of a (de)provisioning call: what happened to each permission. */
export function outcomeEntry(answer: Answer<Reply>, results: PermissionResult[], trace: RuleTrace[]): AuditEntry {
  return {
    decision: answer.decision,
    reason: answer.reason,
    ...(answer.message === undefined ? {} : { message: answer.message }),
    results,
    trace,
  };
}
