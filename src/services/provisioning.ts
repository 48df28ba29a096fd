/**
 * Provisioning: for each permission, the rule in scope picks a provisioner; the grant is carried
 * out once and recorded in the ledger with this request's hold. The same request again is a
 * no-op; another request for access already `held` only adds its hold. A grant being removed
 * (`revoking`) is waited for; one removed, or whose removal failed (`pending_removal`), is
 * granted at the target again before the hold is recorded (README "The grants ledger").
 */
import type { CallContext, KindService } from '../http/pipeline';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import type { Provisioners } from '../provisioners/dispatch';
import { grantKey, requestKey, stateOf, withHold } from '../provisioners/grant-item';
import type { GrantTarget } from '../provisioners/provisioner';
import { provisionerName, type ProvisionerSpec } from '../provisioners/provisioner-spec';
import { requestFacts } from '../rules/evaluate';
import type { RuleTrace } from '../rules/pre-approval';
import { chooseProvisioningRule } from '../rules/provisioning';
import type { Deadline } from '../runtime/deadline';
import type { Dependencies } from '../runtime/dependencies';
import { logger } from '../runtime/logger';
import { provisioningReply, recordOutcome, type PermissionResult } from './grant-results';
import { grantTargets } from './grant-targets';
import { GAVE_UP, untilSettled, type LedgerStep } from './ledger-retry';
import { targetDeadline } from './target-deadline';

export class ProvisioningService implements KindService {
  readonly kind = 'provisioning' as const;

  constructor(private readonly deps: Pick<Dependencies, 'rules' | 'grants' | 'audit' | 'now'> & { provisioners: Provisioners }) {}

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const { rules, audit, now } = this.deps;
    const request = requestFacts(parsed);
    const entries = await rules.rulesFor(request.appId, call.deadline);
    const facts = { request, now: now(), shifts: [], trainings: [] };
    const trace: RuleTrace[] = [];

    const results = await Promise.all(
      grantTargets(parsed).map(async (target): Promise<PermissionResult> => {
        const choice = chooseProvisioningRule(entries, target.permission.value, facts);
        trace.push(...choice.trace.filter((item) => !trace.some((seen) => seen.rule_id === item.rule_id && seen.app_id === item.app_id)));
        if (choice.status === 'none') return { permission: target.permission.value, status: 'no_rule', detail: 'no enforced provisioning rule covers it' };
        if (choice.status === 'invalid') {
          logger.error('invalid provisioning rule in scope', { app_id: request.appId, rule_id: choice.rule_id });
          return { permission: target.permission.value, status: 'failed', rule_id: choice.rule_id, detail: `rule ${choice.rule_id} is invalid` };
        }
        return this.provisionOne(target, choice.rule.rule_id, choice.rule.provisioner, call.deadline);
      }),
    );

    const reply = provisioningReply(results, parsed.payload.application.user_friendly_label ?? request.appId);
    await recordOutcome(audit, this.kind, parsed, call, reply, results, trace, facts.now);
    return reply;
  }

  private provisionOne(target: GrantTarget, ruleId: string, spec: ProvisionerSpec, deadline: Deadline): Promise<PermissionResult> {
    const base = { permission: target.permission.value, rule_id: ruleId, provisioner: provisionerName(spec) };
    return untilSettled(
      deadline,
      () => this.attempt(target, ruleId, spec, deadline),
      (why) => ({ ...base, status: 'failed', detail: GAVE_UP[why] }),
    );
  }

  /** One read of the grant and what its state calls for; a lost version-checked write asks for another try. */
  private async attempt(target: GrantTarget, ruleId: string, spec: ProvisionerSpec, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const { grants, provisioners, now } = this.deps;
    const existing = await grants.get(grantKey(target), deadline);
    const at = now();
    const state = existing === null ? null : stateOf(existing, at);
    if (state === 'revoking') return { retry: 'revoking' };

    // Computed before any target call, so nothing after a grant can fail on the input.
    const item = withHold(existing, target, ruleId, spec, at);
    const result = { permission: target.permission.value, rule_id: item.rule_id, provisioner: provisionerName(item.provisioner) };
    if (existing !== null && state === 'held') {
      if (Object.hasOwn(existing.holds, requestKey(target))) return { done: { ...result, status: 'already_granted', detail: 'this request already holds it' } };
      // Held means no removal has started (that would have changed the version): the access exists.
      if (await grants.save(item, existing.version, deadline)) {
        return { done: { ...result, status: 'hold_added', detail: 'already granted; this request now holds it too' } };
      }
      return { retry: 'conflict' };
    }

    // Nothing, removed, or a removal that failed: grant at the target (idempotent: a failed removal may have left it).
    const outcome = await provisioners.provision(item.provisioner, target, targetDeadline(deadline));
    if (!outcome.ok) return { done: { ...result, status: 'failed', detail: outcome.message } };
    // Conditional on the version read before the call: a removal started since makes this fail, and the next try grants again.
    if (!(await grants.save(item, existing?.version ?? null, deadline))) return { retry: 'conflict' };
    const again = state === 'pending_removal' ? ' again (a removal had not gone through)' : '';
    return { done: { ...result, status: 'granted', detail: `granted${again} by ${result.provisioner}` } };
  }
}
