/**
 * Deprovisioning: for each permission (or, with an empty list, every grant of the subject in
 * the app), release this request's hold; the access itself is removed, with the provisioner
 * recorded on the grant, only when no still-active hold remains or when the call names no
 * request (security first). Removing what is not granted is a success.
 *
 * The ledger is the lock (README "The grants ledger"): the grant is marked `revoking` by a
 * version-checked write before the target is called, so a provisioning that comes in meanwhile
 * waits instead of adding a hold to access that is about to go; then `removed`, or
 * `pending_removal` when the target failed, which the next deprovisioning retries.
 */
import type { CallContext, KindService } from '../http/pipeline';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import type { Provisioners } from '../provisioners/dispatch';
import { asPendingRemoval, asRemoved, asRevoking, grantKey, requestKey, stateOf, withoutHold, type GrantItem } from '../provisioners/grant-item';
import type { GrantTarget, ProvisionerOutcome } from '../provisioners/provisioner';
import { provisionerName } from '../provisioners/provisioner-spec';
import type { Deadline } from '../runtime/deadline';
import type { Dependencies } from '../runtime/dependencies';
import { DeadlineExceededError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { deprovisioningReply, recordOutcome, type PermissionResult } from './grant-results';
import { grantTarget, grantTargets } from './grant-targets';
import { GAVE_UP, untilSettled, type LedgerStep } from './ledger-retry';
import { targetDeadline } from './target-deadline';

/**
 * How long past this call's deadline a `revoking` mark holds others off: by the deadline our
 * target call has been abandoned and our last write made; the grace covers a target still
 * finishing the request and clocks of other containers a little apart.
 */
export const REVOKING_GRACE_MS = 2_000;

type Result = Omit<PermissionResult, 'status' | 'detail'>;

export class DeprovisioningService implements KindService {
  readonly kind = 'deprovisioning' as const;

  constructor(private readonly deps: Pick<Dependencies, 'grants' | 'audit' | 'now'> & { provisioners: Provisioners }) {}

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const targets = await this.targetsOf(parsed, call.deadline);
    const results = await Promise.all(targets.map((target) => this.deprovisionOne(target, call.deadline)));
    const reply = deprovisioningReply(results);
    await recordOutcome(this.deps.audit, this.kind, parsed, call, reply, results, [], this.deps.now());
    return reply;
  }

  /** The permissions named, or every grant of the subject in the app when none are (removed ones are not grants). */
  private async targetsOf(parsed: ParsedRequest, deadline: Deadline): Promise<GrantTarget[]> {
    if (parsed.payload.permissions.length > 0) return grantTargets(parsed);
    const { application } = parsed.payload;
    const held = await this.deps.grants.ofSubject(application.instance_id ?? application.app_id, parsed.subject, deadline);
    return held.map((grant) => grantTarget(parsed, { value: grant.permission, label: grant.permission_label }));
  }

  private deprovisionOne(target: GrantTarget, deadline: Deadline): Promise<PermissionResult> {
    return untilSettled(
      deadline,
      () => this.attempt(target, deadline),
      (why) => ({ permission: target.permission.value, status: 'failed', detail: GAVE_UP[why] }),
    );
  }

  /** One read of the grant and what its state calls for; a lost version-checked write asks for another try. */
  private async attempt(target: GrantTarget, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const grant = await this.deps.grants.get(grantKey(target), deadline);
    const at = this.deps.now();
    const state = grant === null ? null : stateOf(grant, at);
    if (grant === null || state === 'removed') return { done: { permission: target.permission.value, status: 'not_granted', detail: 'nothing to remove' } };
    const result: Result = { permission: target.permission.value, rule_id: grant.rule_id, provisioner: provisionerName(grant.provisioner) };
    if (state === 'revoking') return { retry: 'revoking' };
    if (state === 'pending_removal') return this.revoke(grant, target, result, 'removed: an earlier removal had not gone through', deadline);

    const named = target.request_task_url === null ? null : requestKey(target);
    const release = withoutHold(grant, named, at);
    if (release.remove) {
      const why = named === null ? 'removed: the call named no request' : 'removed: no other active request holds it';
      return this.revoke(grant, target, result, why, deadline);
    }
    const kept = `access kept: still held by ${heldBy(release.item)}`;
    // A request that holds nothing changes nothing: no write, so no contention.
    if (named !== null && !Object.hasOwn(grant.holds, named)) return { done: { ...result, status: 'hold_released', detail: `this request held nothing; ${kept}` } };
    if (await this.deps.grants.save(release.item, grant.version, deadline)) return { done: { ...result, status: 'hold_released', detail: kept } };
    return { retry: 'conflict' };
  }

  /** `revoking` first (the lock), then the target, then `removed` or `pending_removal`, each conditional on our own last write. */
  private async revoke(grant: GrantItem, target: GrantTarget, result: Result, why: string, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const { grants, now } = this.deps;
    const at = now();
    const revoking = asRevoking(grant, new Date(at.getTime() + deadline.remainingMs() + REVOKING_GRACE_MS), at);
    if (!(await grants.save(revoking, grant.version, deadline))) return { retry: 'conflict' };

    const outcome = await this.removeAtTarget(revoking, target, deadline);
    const settled = outcome.ok ? asRemoved(revoking, now()) : asPendingRemoval(revoking, outcome.message, now());
    const recorded = await this.record(settled, revoking.version, deadline);
    if (outcome.ok) {
      const note = recorded ? '' : ' (the ledger still marks it revoking; it reads as a pending removal once that expires)';
      return { done: { ...result, status: 'removed', detail: `${why}${note}` } };
    }
    return { done: { ...result, status: 'failed', detail: `${outcome.message}; the removal is pending and the next deprovisioning retries it` } };
  }

  /** The removal at the target, inside a deadline that leaves room to record its outcome. */
  private async removeAtTarget(grant: GrantItem, target: GrantTarget, deadline: Deadline): Promise<ProvisionerOutcome> {
    try {
      return await this.deps.provisioners.deprovision(grant.provisioner, target, targetDeadline(deadline));
    } catch (error) {
      // Thrown only before the request went out (no time left, or the credential not read in time).
      if (error instanceof DeadlineExceededError) return { ok: false, message: `${provisionerName(grant.provisioner)}: not called, no time left` };
      throw error;
    }
  }

  /**
   * Writes the outcome over our own `revoking`. False when it is no longer ours (it expired and
   * another call took over) or the write failed: the mark then expires into `pending_removal`,
   * which is safe (the access reads as still held until a removal is confirmed).
   */
  private async record(settled: GrantItem, revokingVersion: number, deadline: Deadline): Promise<boolean> {
    try {
      const written = await this.deps.grants.save(settled, revokingVersion, deadline);
      if (!written) logger.warn('grant changed while its removal was under way', { app_instance: settled.app_instance, state: settled.state });
      return written;
    } catch (error) {
      logger.error('outcome of a removal not recorded', { app_instance: settled.app_instance, state: settled.state, error: error instanceof Error ? error.name : 'unknown' });
      return false;
    }
  }
}

function heldBy(grant: GrantItem): string {
  return Object.keys(grant.holds).join(', ');
}
