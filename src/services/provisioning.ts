/**
 * Provisioning: for each permission, the rule in scope picks a provisioner; the grant is carried
 * out once and recorded in the ledger with this request's hold. The same request again is a
 * no-op; another request for access already granted only adds its hold.
 */
import type { CallContext, KindService } from '../http/pipeline';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import type { Provisioners } from '../provisioners/dispatch';
import { grantKey, requestKey, withHold } from '../provisioners/grant-item';
import type { GrantTarget } from '../provisioners/provisioner';
import { provisionerName } from '../provisioners/provisioner-spec';
import { requestFacts } from '../rules/evaluate';
import type { RuleTrace } from '../rules/pre-approval';
import { chooseProvisioningRule } from '../rules/provisioning';
import type { Deadline } from '../runtime/deadline';
import type { Dependencies } from '../runtime/dependencies';
import { StoreUnavailableError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { provisioningReply, recordOutcome, type PermissionResult } from './grant-results';
import { grantTargets } from './grant-targets';

/** Conditional writes retried when another call changed the same grant in between. */
const MAX_ATTEMPTS = 3;

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

  private async provisionOne(
    target: GrantTarget,
    ruleId: string,
    spec: Parameters<Provisioners['provision']>[0],
    deadline: Deadline,
  ): Promise<PermissionResult> {
    const { grants, provisioners, now } = this.deps;
    const key = grantKey(target);
    const base = { permission: target.permission.value, rule_id: ruleId, provisioner: provisionerName(spec) };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const existing = await grants.get(key, deadline);
      if (existing?.holds[requestKey(target)]) return { ...base, status: 'already_granted', detail: 'this request already holds it' };
      if (existing) {
        if (await grants.save(withHold(existing, target, ruleId, spec, now()), existing.version, deadline)) {
          return { ...base, rule_id: existing.rule_id, provisioner: provisionerName(existing.provisioner), status: 'hold_added', detail: 'already granted; this request now holds it too' };
        }
        continue;
      }
      const outcome = await provisioners.provision(spec, target, deadline);
      if (!outcome.ok) return { ...base, status: 'failed', detail: outcome.message };
      if (await grants.save(withHold(null, target, ruleId, spec, now()), null, deadline)) return { ...base, status: 'granted', detail: `granted by ${base.provisioner}` };
      // Another call recorded the same grant meanwhile: add this request's hold to it.
    }
    throw new StoreUnavailableError('the grants ledger kept changing under concurrent calls');
  }
}
