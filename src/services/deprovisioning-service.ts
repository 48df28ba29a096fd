/**
 * Deprovisioning: for each permission (or, with an empty list, every grant of the subject in
 * the app), release this request's hold; the access itself is removed, with the provisioner
 * recorded on the grant, only when no still-active hold remains or when the call names no
 * request (security first). Removing what is not granted is a success.
 *
 * The ledger is the lock (docs/provisioning.md, "The grants ledger"): the removal itself is
 * src/services/grant-removal.ts, shared with the expiry sweeper (`revoking`, the target, then
 * `removed` or `pending_removal`). A grant being granted (`granting`) is waited for. A removal
 * that failed, or could not be tried, is left `pending_removal`, which the expiry sweeper (or the
 * next deprovisioning) finishes: Lumos never sends a failed deprovisioning again.
 */

import type { PermissionResult } from '../audit/record';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import { provisionerName } from '../rules/provisioner-spec';
import { asPendingRemoval, type GrantItem, grantKey, requestKey, stateOf, withoutHold } from '../store/grant-item';
import type { GrantTarget } from '../store/grant-target';
import { GrantRemoval, grantNamed, heldBy } from './grant-removal';
import { deprovisioningReply, failingAlone, outcomeEntry } from './grant-results';
import { grantTarget, grantTargets } from './grant-targets';
import type { KindService, ServiceDependencies } from './kind-service';
import { GAVE_UP, type LedgerStep, untilSettled } from './ledger-retry';

type Result = Omit<PermissionResult, 'status' | 'detail'>;

/** Marking a grant pending after a removal that could not be tried needs one write, inside the reply's margin. */
const PENDING_MARK_MIN_MS = 600;

export class DeprovisioningService implements KindService {
  readonly kind = 'deprovisioning' as const;

  private readonly removal: GrantRemoval;

  constructor(private readonly deps: Pick<ServiceDependencies, 'grants' | 'audit' | 'provisioners' | 'now' | 'backoff'>) {
    this.removal = new GrantRemoval(deps);
  }

  async handle(parsed: ParsedRequest, call: CallContext): Promise<Reply> {
    const targets = await this.targetsOf(parsed, call.deadline);
    const results = await Promise.all(targets.map((target) => this.deprovisionOne(target, call.deadline)));
    const reply = deprovisioningReply(results);
    return auditCall(this.deps.audit, this.kind, parsed, call, reply, outcomeEntry(this.kind, reply, results, []));
  }

  /** The permissions named, or every grant of the subject in the app when none are (removed ones are not grants). */
  private async targetsOf(parsed: ParsedRequest, deadline: Deadline): Promise<GrantTarget[]> {
    if (parsed.payload.permissions.length > 0) return grantTargets(parsed);
    const { application } = parsed.payload;
    const held = await this.deps.grants.ofSubject(application.instance_id ?? application.app_id, parsed.subject, deadline);
    return held.map((grant) => grantTarget(parsed, { value: grant.permission, label: grant.permission_label }));
  }

  private deprovisionOne(target: GrantTarget, deadline: Deadline): Promise<PermissionResult> {
    return failingAlone(this.kind, { permission: target.permission.value }, () =>
      untilSettled(
        deadline,
        () => this.attempt(target, deadline),
        (why) => ({ permission: target.permission.value, status: 'failed', detail: GAVE_UP[why] }),
        this.deps.backoff,
      ),
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
    // Wait for the grant's outcome: removing now could land before it, and the grant would then stand unrecorded.
    if (state === 'granting') return { retry: 'granting' };
    if (state === 'pending_removal') return this.revoke(grant, target, result, 'removed: an earlier removal had not gone through', deadline);

    const named = target.request_task_url === null ? null : requestKey(target);
    const release = withoutHold(grant, named, at);
    if (release.remove) {
      const why = named === null ? 'removed: the call named no request' : 'removed: no other active request holds it';
      return this.revoke(grant, target, result, why, deadline);
    }
    const kept = `access kept: still held by ${heldBy(release.item)}`;
    // A request that holds nothing changes nothing: no write, so no contention.
    if (named !== null && !Object.hasOwn(grant.holds, named))
      return { done: { ...result, status: 'hold_released', detail: `this request held nothing; ${kept}` } };
    if (await this.deps.grants.save(release.item, grant.version, deadline)) return { done: { ...result, status: 'hold_released', detail: kept } };
    return { retry: 'conflict' };
  }

  /** The removal through the shared helper, in this kind's words; a removal that cannot be tried now is left to the sweeper. */
  private async revoke(grant: GrantItem, target: GrantTarget, result: Result, why: string, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const step = await this.removal.revoke(grant, target, deadline);
    if ('retry' in step) return step;
    const removal = step.done;
    if (removal.status === 'removed') return { done: { ...result, status: 'removed', detail: `${why}${removal.note}` } };
    if (removal.status === 'failed') {
      const pending = removal.pending === null ? '' : `; the removal is pending and the expiry sweeper retries it from ${removal.pending.next_attempt_at}`;
      return { done: { ...result, status: 'failed', detail: `${removal.message}${pending}${removal.note}` } };
    }
    return { done: { ...result, status: 'failed', detail: await this.leaveToSweeper(grant, removal.message, deadline) } };
  }

  /**
   * Lumos never sends a failed deprovisioning again: the grant is marked `pending_removal`
   * (conditional on the version read, while the deadline still leaves the reply its margin), so
   * the expiry sweeper finishes the removal rather than the access staying for good.
   */
  private async leaveToSweeper(grant: GrantItem, message: string, deadline: Deadline): Promise<string> {
    if (deadline.remainingMs() <= PENDING_MARK_MIN_MS) return message;
    const pending = asPendingRemoval(grant, `deprovisioning could not remove it: ${message}`, this.deps.now());
    try {
      if (await this.deps.grants.save(pending, grant.version, deadline)) return `${message}; the removal is pending and the expiry sweeper carries it out`;
    } catch (error) {
      logger.warn('a failed deprovisioning could not be marked pending', { ...grantNamed(grant), error: error instanceof Error ? error.name : 'unknown' });
    }
    return message;
  }
}
