/**
 * Provisioning: for each permission, the rule in scope picks a provisioner; the grant is carried
 * out once and recorded in the ledger with this request's hold. The same request again is a
 * no-op; another request for access already `held` only adds its hold. A grant being granted or
 * removed (`granting`, `revoking`) is waited for; one absent, removed, or whose removal failed
 * (`pending_removal`) is granted at the target again, under a `granting` mark written first so
 * the ledger never lacks a record of access the target may have (docs/provisioning.md, "The grants ledger").
 */

import type { PermissionResult } from '../audit/record';
import { recordFacts } from '../audit/recorded-facts';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import { chooseProvisioningRule } from '../rules/decisions/provisioning-choice';
import { type ProvisionerSpec, provisionerName } from '../rules/provisioner-spec';
import type { RuleTrace } from '../rules/trace';
import { asGranting, asGrantRefused, asHeld, asPendingRemoval, type GrantItem, grantKey, requestKey, stateOf, withHold } from '../store/grant-item';
import type { GrantTarget } from '../store/grant-target';
import { failingAlone, outcomeEntry, provisioningReply } from './grant-results';
import { grantTargets } from './grant-targets';
import type { KindService, ServiceDependencies } from './kind-service';
import { GAVE_UP, type LedgerStep, untilSettled } from './ledger-retry';
import { type MarkOutcome, writeOverMark } from './mark-outcome';
import { requestFacts } from './request-facts';
import { atTarget, hasTargetTime, markUntil } from './target-deadline';

type Result = Omit<PermissionResult, 'status' | 'detail'>;

export class ProvisioningService implements KindService {
  readonly kind = 'provisioning' as const;

  constructor(private readonly deps: Pick<ServiceDependencies, 'rules' | 'grants' | 'audit' | 'provisioners' | 'now' | 'backoff'>) {}

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const { rules, audit } = this.deps;
    const request = requestFacts(parsed);
    const entries = await rules.rulesFor(request.appId, call.deadline);
    // Provisioning rules may not ask about state (src/rules/rule-item.ts): the request and the clock are all.
    const facts = { request, now: call.at, shifts: [], trainings: [] };
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
    const recorded = recordFacts(facts, { shifts: [], trainees: [] });
    return auditCall(audit, this.kind, parsed, call, reply, { ...outcomeEntry(this.kind, reply, results, trace), facts: recorded });
  }

  private provisionOne(target: GrantTarget, ruleId: string, spec: ProvisionerSpec, deadline: Deadline): Promise<PermissionResult> {
    const base: Result = { permission: target.permission.value, rule_id: ruleId, provisioner: provisionerName(spec) };
    return failingAlone(this.kind, base, () =>
      untilSettled(
        deadline,
        () => this.attempt(target, ruleId, spec, deadline),
        (why) => ({ ...base, status: 'failed', detail: GAVE_UP[why] }),
        this.deps.backoff,
      ),
    );
  }

  /** One read of the grant and what its state calls for; a lost version-checked write asks for another try. */
  private async attempt(target: GrantTarget, ruleId: string, spec: ProvisionerSpec, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const { grants, now } = this.deps;
    const existing = await grants.get(grantKey(target), deadline);
    const at = now();
    const state = existing === null ? null : stateOf(existing, at);
    if (state === 'revoking') return { retry: 'revoking' };
    if (state === 'granting') return { retry: 'granting' };

    // Computed before any target call, so nothing after a grant can fail on the input.
    const item = withHold(existing, target, ruleId, spec, at);
    const result: Result = { permission: target.permission.value, rule_id: item.rule_id, provisioner: provisionerName(item.provisioner) };
    if (existing !== null && state === 'held') {
      if (Object.hasOwn(existing.holds, requestKey(target))) return { done: { ...result, status: 'already_granted', detail: 'this request already holds it' } };
      // Held means no removal has started (that would have changed the version): the access exists.
      if (await grants.save(item, existing.version, deadline)) {
        return { done: { ...result, status: 'hold_added', detail: 'already granted; this request now holds it too' } };
      }
      return { retry: 'conflict' };
    }

    const again = state === 'pending_removal' ? ' again (a removal had not gone through)' : '';
    if (item.provisioner.type === 'ledger') {
      // The item is the access: its one version-checked write is the grant, with nothing at a target to lose track of.
      if (!(await grants.save(item, existing?.version ?? null, deadline))) return { retry: 'conflict' };
      return { done: { ...result, status: 'granted', detail: `granted${again} by ${result.provisioner}` } };
    }
    return this.grantAtTarget(existing, item, target, result, again, deadline);
  }

  /**
   * Nothing, removed, or a removal that failed: `granting` first (the lock, and the record that the
   * access may come to exist), then the target (idempotent: a failed removal may have left it),
   * then `held`; or, when the target refused, the item as it was; or `pending_removal` when its
   * answer never came. Each write is conditional on our own last one.
   */
  private async grantAtTarget(
    existing: GrantItem | null,
    item: GrantItem,
    target: GrantTarget,
    result: Result,
    again: string,
    deadline: Deadline,
  ): Promise<LedgerStep<PermissionResult>> {
    const { grants, provisioners, now } = this.deps;
    // A retry late in the call may have no time left for the target: fail this permission, write nothing.
    if (!hasTargetTime(deadline)) return { done: { ...result, status: 'failed', detail: `${result.provisioner}: not called, no time left` } };
    const at = now();
    const granting = asGranting(item, markUntil(deadline, at), at);
    if (!(await grants.save(granting, existing?.version ?? null, deadline))) return { retry: 'conflict' };

    const outcome = await atTarget(granting.provisioner, deadline, (targetTime) => provisioners.provision(granting.provisioner, target, targetTime));
    if (outcome.ok) {
      const recorded = await this.record(asHeld(granting, now()), granting.version, deadline);
      if (recorded === 'written') return { done: { ...result, status: 'granted', detail: `granted${again} by ${result.provisioner}` } };
      if (recorded === 'lost') {
        // Read it again and act on what it says now (the grant is still wanted).
        await this.afterLostMark(target, deadline);
        return { retry: 'conflict' };
      }
      const detail = `granted by ${result.provisioner}, but the grants ledger could not record it (${recorded.failed}); it reads as a pending removal from ${granting.granting_until ?? 'now'}`;
      return { done: { ...result, status: 'failed', detail, reason: recorded.failed } };
    }
    if (outcome.maybeApplied) {
      // No answer: the grant may have been made, so the ledger must say the access may exist.
      if ((await this.record(asPendingRemoval(granting, `grant not confirmed: ${outcome.message}`, now()), granting.version, deadline)) === 'lost') {
        await this.afterLostMark(target, deadline);
      }
      return {
        done: {
          ...result,
          status: 'failed',
          detail: `${outcome.message}; it may have been granted anyway, so it is recorded as a pending removal, which the next deprovisioning removes`,
        },
      };
    }
    await this.record(asGrantRefused(granting, existing, now()), granting.version, deadline);
    return { done: { ...result, status: 'failed', detail: outcome.message } };
  }

  /**
   * Our `granting` was taken over: another call's clock ran ahead of ours and read it as expired.
   * A removal it made may have landed before our grant, so a `removed` it recorded is turned into
   * `pending_removal` (the access may exist); anything else already says it may.
   */
  private async afterLostMark(target: GrantTarget, deadline: Deadline): Promise<void> {
    const { grants, now } = this.deps;
    const current = await grants.get(grantKey(target), deadline);
    if (current === null || stateOf(current, now()) !== 'removed') return;
    await this.record(asPendingRemoval(current, 'a grant may have reached the target after this removal', now()), current.version, deadline);
  }

  private record(settled: GrantItem, grantingVersion: number, deadline: Deadline): Promise<MarkOutcome> {
    return writeOverMark(this.deps.grants, settled, grantingVersion, deadline, 'grant');
  }
}
