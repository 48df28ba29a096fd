/**
 * Deprovisioning: for each permission (or, with an empty list, every grant of the subject in
 * the app), release this request's hold; the access itself is removed, with the provisioner
 * recorded on the grant, only when no still-active hold remains or when the call names no
 * request (security first). Removing what is not granted is a success.
 *
 * The ledger is the lock (docs/provisioning.md, "The grants ledger"): the removal itself is
 * src/grants/grant-removal.ts, shared with the expiry sweeper (`revoking`, the target, then
 * `removed` or `pending_removal`). A grant being granted (`granting`) is waited for. A removal
 * that failed, or could not be tried, is left `pending_removal`, which the expiry sweeper (or the
 * next deprovisioning) finishes: Lumos never sends a failed deprovisioning again.
 */

import type { PermissionResult } from '../audit/record';
import { auditCall } from '../audit/writer';
import { entitlementOf, entitlementsOf } from '../grants/entitlements';
import { type GrantItem, grantKey } from '../grants/grant-item';
import { GrantRemoval, grantNamed, heldBy } from '../grants/grant-removal';
import { requestKey } from '../grants/holds';
import { GAVE_UP, type LedgerStep, untilSettled } from '../grants/ledger-retry';
import { grantStateAt } from '../grants/lifecycle';
import { recordedProvisionerName } from '../grants/recorded-provisioner';
import { asPendingRemoval, withoutHold } from '../grants/transitions';
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import type { Entitlement } from '../provisioners/entitlement';
import { failingAlone } from './grant-results';
import type { KindService, ServiceDependencies } from './kind-service';
import { deprovisioningAnswer, outcomeEntry } from './result-replies';

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
    const results = await Promise.all(targets.map((entitlement) => this.deprovisionOne(entitlement, call.deadline)));
    const answer = deprovisioningAnswer(results);
    return auditCall(this.deps.audit, this.kind, parsed, call, answer.reply, outcomeEntry(answer, results, []));
  }

  /** The permissions named, or every one the subject may hold in the app when none are (removed ones are not grants). */
  private async targetsOf(parsed: ParsedRequest, deadline: Deadline): Promise<Entitlement[]> {
    if (parsed.payload.permissions.length > 0) return entitlementsOf(parsed);
    const { application } = parsed.payload;
    const held = await this.deps.grants.permissionsOf(application.instance_id ?? application.app_id, parsed.subject, deadline);
    return held.map((permission) => entitlementOf(parsed, permission));
  }

  private deprovisionOne(entitlement: Entitlement, deadline: Deadline): Promise<PermissionResult> {
    return failingAlone(this.kind, { permission: entitlement.permission.value }, () =>
      untilSettled(
        deadline,
        () => this.attempt(entitlement, deadline),
        (why) => ({ permission: entitlement.permission.value, status: 'failed', detail: GAVE_UP[why] }),
        this.deps.backoff,
      ),
    );
  }

  /** One read of the grant and what its state calls for; a lost version-checked write asks for another try. */
  private async attempt(entitlement: Entitlement, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const grant = await this.deps.grants.get(grantKey(entitlement), deadline);
    const at = this.deps.now();
    const state = grant === null ? null : grantStateAt(grant, at);
    if (grant === null || state === 'removed')
      return { done: { permission: entitlement.permission.value, status: 'not_granted', detail: 'nothing to remove' } };
    const result: Result = { permission: entitlement.permission.value, rule_id: grant.rule_id, provisioner: recordedProvisionerName(grant.provisioner) };
    if (state === 'revoking') return { retry: 'revoking' };
    // Wait for the grant's outcome: removing now could land before it, and the grant would then stand unrecorded.
    if (state === 'granting') return { retry: 'granting' };
    if (state === 'pending_removal') return this.revoke(grant, entitlement, result, 'removed: an earlier removal had not gone through', deadline);

    const named = entitlement.request_task_url === null ? null : requestKey(entitlement);
    const release = withoutHold(grant, named, at);
    if (release.remove) {
      const why = named === null ? 'removed: the call named no request' : 'removed: no other active request holds it';
      return this.revoke(grant, entitlement, result, why, deadline);
    }
    const kept = `access kept: still held by ${heldBy(release.item)}`;
    // A request that holds nothing changes nothing: no write, so no contention.
    if (named !== null && !Object.hasOwn(grant.holds, named))
      return { done: { ...result, status: 'hold_released', detail: `this request held nothing; ${kept}` } };
    if (await this.deps.grants.save(release.item, grant.version, deadline)) return { done: { ...result, status: 'hold_released', detail: kept } };
    return { retry: 'conflict' };
  }

  /** The removal through the shared helper, in this kind's words; a removal that cannot be tried now is left to the sweeper. */
  private async revoke(grant: GrantItem, entitlement: Entitlement, result: Result, why: string, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const step = await this.removal.revoke(grant, entitlement, deadline);
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
