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
import { entitlementsOf } from '../grants/entitlements';
import { type GrantItem, grantKey } from '../grants/grant-item';
import { requestKey } from '../grants/holds';
import { GAVE_UP, type LedgerStep, untilSettled } from '../grants/ledger-retry';
import { grantStateAt } from '../grants/lifecycle';
import { type MarkOutcome, writeOverMark } from '../grants/mark-outcome';
import { recordedProvisionerName } from '../grants/recorded-provisioner';
import { atTarget, hasTargetTime, markUntil } from '../grants/target-deadline';
import { asGranting, asGrantRefused, asHeld, asPendingRemoval, withHold } from '../grants/transitions';
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import type { Entitlement } from '../provisioners/entitlement';
import { provisioningChooser } from '../rules/decisions/provisioning-choice';
import { type ProvisionerSpec, provisionerName } from '../rules/provisioner-spec';
import { failingAlone } from './grant-results';
import type { KindService, ServiceDependencies } from './kind-service';
import { requestFacts } from './request-facts';
import { outcomeEntry, provisioningAnswer, unprovisionedResult } from './result-replies';

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
    const chooser = provisioningChooser(entries, facts);

    const results = await Promise.all(
      entitlementsOf(parsed).map(async (entitlement): Promise<PermissionResult> => {
        const { permission, choice } = chooser.choose(entitlement.permission.value);
        if (choice.status !== 'rule') {
          if (choice.status === 'invalid') logger.error('invalid provisioning rule in scope', { app_id: request.appId, rule_id: choice.rule_id });
          return unprovisionedResult(permission, choice);
        }
        return this.provisionOne(entitlement, choice.rule.rule_id, choice.rule.provisioner, call.deadline);
      }),
    );

    const answer = provisioningAnswer(results, parsed.payload.application.user_friendly_label ?? request.appId);
    const recorded = recordFacts(facts, { shifts: [], trainees: [] });
    return auditCall(audit, this.kind, parsed, call, answer.reply, { ...outcomeEntry(answer, results, chooser.trace), facts: recorded });
  }

  private provisionOne(entitlement: Entitlement, ruleId: string, spec: ProvisionerSpec, deadline: Deadline): Promise<PermissionResult> {
    const base: Result = { permission: entitlement.permission.value, rule_id: ruleId, provisioner: provisionerName(spec) };
    return failingAlone(this.kind, base, () =>
      untilSettled(
        deadline,
        () => this.attempt(entitlement, ruleId, spec, deadline),
        (why) => ({ ...base, status: 'failed', detail: GAVE_UP[why] }),
        this.deps.backoff,
      ),
    );
  }

  /** One read of the grant and what its state calls for; a lost version-checked write asks for another try. */
  private async attempt(entitlement: Entitlement, ruleId: string, spec: ProvisionerSpec, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const { grants, now } = this.deps;
    const existing = await grants.get(grantKey(entitlement), deadline);
    const at = now();
    const state = existing === null ? null : grantStateAt(existing, at);
    if (state === 'revoking') return { retry: 'revoking' };
    if (state === 'granting') return { retry: 'granting' };

    // Computed before any target call, so nothing after a grant can fail on the input.
    const item = withHold(existing, entitlement, ruleId, spec, at);
    const result: Result = { permission: entitlement.permission.value, rule_id: item.rule_id, provisioner: recordedProvisionerName(item.provisioner) };
    if (existing !== null && state === 'held') {
      if (Object.hasOwn(existing.holds, requestKey(entitlement)))
        return { done: { ...result, status: 'already_granted', detail: 'this request already holds it' } };
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
    return this.grantAtTarget(existing, item, entitlement, result, again, deadline);
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
    entitlement: Entitlement,
    result: Result,
    again: string,
    deadline: Deadline,
  ): Promise<LedgerStep<PermissionResult>> {
    const { grants, provisioners, now } = this.deps;
    // A retry late in the call may have no time left for the target: fail this permission, write nothing.
    if (!hasTargetTime(deadline)) return { done: { ...result, status: 'failed', detail: `${result.provisioner}: not called, no time left` } };
    const at = now();
    const granting = asGranting(item, existing, markUntil(deadline, at), at);
    if (!(await grants.save(granting, existing?.version ?? null, deadline))) return { retry: 'conflict' };

    const outcome = await atTarget(granting.provisioner, deadline, (spec, targetTime) => provisioners.provision(spec, entitlement, targetTime));
    if (outcome.ok) {
      const recorded = await this.record(asHeld(granting, now()), granting.version, deadline);
      if (recorded === 'written') return { done: { ...result, status: 'granted', detail: `granted${again} by ${result.provisioner}` } };
      if (recorded === 'lost') {
        // Read it again and act on what it says now (the grant is still wanted).
        await this.afterLostMark(entitlement, deadline);
        return { retry: 'conflict' };
      }
      const detail = `granted by ${result.provisioner}, but the grants ledger could not record it (${recorded.failed}); it reads as a pending removal from ${granting.granting_until ?? 'now'}`;
      return { done: { ...result, status: 'failed', detail, reason: recorded.failed } };
    }
    if (outcome.maybeApplied) {
      // No answer: the grant may have been made, so the ledger must say the access may exist.
      if ((await this.record(asPendingRemoval(granting, `grant not confirmed: ${outcome.message}`, now()), granting.version, deadline)) === 'lost') {
        await this.afterLostMark(entitlement, deadline);
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
  private async afterLostMark(entitlement: Entitlement, deadline: Deadline): Promise<void> {
    const { grants, now } = this.deps;
    const current = await grants.get(grantKey(entitlement), deadline);
    if (current === null || grantStateAt(current, now()) !== 'removed') return;
    await this.record(asPendingRemoval(current, 'a grant may have reached the target after this removal', now()), current.version, deadline);
  }

  private record(settled: GrantItem, grantingVersion: number, deadline: Deadline): Promise<MarkOutcome> {
    return writeOverMark(this.deps.grants, settled, grantingVersion, deadline, 'grant');
  }
}
