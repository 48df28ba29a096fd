/**
 * Deprovisioning: for each permission (or, with an empty list, every grant of the subject in
 * the app), release this request's hold; the access itself is removed, with the provisioner
 * recorded on the grant, only when no still-active hold remains or when the call names no
 * request (security first). Removing what is not granted is a success.
 *
 * The ledger is the lock (docs/provisioning.md, "The grants ledger"): the grant is marked `revoking` by a
 * version-checked write before the target is called, so a provisioning that comes in meanwhile
 * waits instead of adding a hold to access that is about to go; then `removed`, or
 * `pending_removal` when the target failed, which the next deprovisioning retries. A grant being
 * granted (`granting`) is waited for. A removal whose outcome cannot be recorded because another
 * call took the grant over meanwhile is checked: if the grant is held again, it is granted again
 * at the target, since our removal may have landed after that call's grant.
 */

import type { PermissionResult } from '../audit/record';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import { provisionerName } from '../rules/provisioner-spec';
import { asGranting, asHeld, asPendingRemoval, asRemoved, asRevoking, type GrantItem, grantKey, requestKey, stateOf, withoutHold } from '../store/grant-item';
import type { GrantTarget } from '../store/grant-target';
import { deprovisioningReply, failingAlone, outcomeEntry } from './grant-results';
import { grantTarget, grantTargets } from './grant-targets';
import type { KindService, ServiceDependencies } from './kind-service';
import { GAVE_UP, type LedgerStep, untilSettled } from './ledger-retry';
import { writeOverMark } from './mark-outcome';
import { atTarget, hasTargetTime, markUntil } from './target-deadline';

type Result = Omit<PermissionResult, 'status' | 'detail'>;

export class DeprovisioningService implements KindService {
  readonly kind = 'deprovisioning' as const;

  constructor(private readonly deps: Pick<ServiceDependencies, 'grants' | 'audit' | 'provisioners' | 'now'>) {}

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

  /** `revoking` first (the lock), then the target, then `removed` or `pending_removal`, each conditional on our own last write. */
  private async revoke(grant: GrantItem, target: GrantTarget, result: Result, why: string, deadline: Deadline): Promise<LedgerStep<PermissionResult>> {
    const { grants, provisioners, now } = this.deps;
    // A retry late in the call may have no time left for the target: fail this permission, change nothing.
    if (grant.provisioner.type !== 'ledger' && !hasTargetTime(deadline)) {
      return { done: { ...result, status: 'failed', detail: `${result.provisioner}: not called, no time left; nothing was changed` } };
    }
    const at = now();
    const revoking = asRevoking(grant, markUntil(deadline, at), at);
    if (!(await grants.save(revoking, grant.version, deadline))) return { retry: 'conflict' };

    const outcome = await atTarget(revoking.provisioner, deadline, (targetTime) => provisioners.deprovision(revoking.provisioner, target, targetTime));
    const settled = outcome.ok ? asRemoved(revoking, now()) : asPendingRemoval(revoking, outcome.message, now());
    const recorded = await this.record(settled, revoking.version, deadline);
    // Unrecorded, and the access may be gone: whoever holds the grant now may have lost it to our removal.
    const note = recorded || !(outcome.ok || outcome.maybeApplied === true) ? '' : await this.afterUnrecordedRemoval(revoking, settled, target, deadline);
    if (outcome.ok) return { done: { ...result, status: 'removed', detail: `${why}${note}` } };
    return { done: { ...result, status: 'failed', detail: `${outcome.message}; the removal is pending and the next deprovisioning retries it${note}` } };
  }

  /**
   * Writes the outcome over our own `revoking`. False when it is no longer ours (it expired and
   * another call took over) or the write failed.
   */
  private async record(settled: GrantItem, markVersion: number, deadline: Deadline): Promise<boolean> {
    return (await writeOverMark(this.deps.grants, settled, markVersion, deadline, 'removal')) === 'written';
  }

  /**
   * Our removal went through (or may have), but its outcome was not recorded. Reads the grant
   * again: still our mark, the write is tried once more (else the mark expires into a pending
   * removal, which is safe); taken over and held again (a grant in progress is waited for), our
   * removal may have landed after that grant, so the access is granted again at the target under
   * a `granting` mark, and left held whatever the target says (an error log names the grant when
   * it failed). Any other state already says the access may be gone. Returns a note for the result.
   */
  private async afterUnrecordedRemoval(revoking: GrantItem, settled: GrantItem, target: GrantTarget, deadline: Deadline): Promise<string> {
    try {
      return await untilSettled(
        deadline,
        () => this.repairStep(revoking, settled, target, deadline),
        (why) => {
          logger.error('grant may have lost its access to a late removal and could not be checked', { ...grantNamed(revoking), why });
          return `; the grant changed meanwhile and could not be checked (${GAVE_UP[why]}); an error log names it`;
        },
      );
    } catch (error) {
      logger.error('grant may have lost its access to a late removal and could not be checked', {
        ...grantNamed(revoking),
        error: error instanceof Error ? error.name : 'unknown',
      });
      return '; the grant changed meanwhile and could not be checked; an error log names it';
    }
  }

  private async repairStep(revoking: GrantItem, settled: GrantItem, target: GrantTarget, deadline: Deadline): Promise<LedgerStep<string>> {
    const { grants, provisioners, now } = this.deps;
    const current = await grants.get(grantKey(target), deadline);
    if (current?.version === revoking.version) {
      if (await this.record(settled, revoking.version, deadline)) return { done: '' };
      return { done: ' (the ledger still marks it revoking; it reads as a pending removal once that expires)' };
    }
    const at = now();
    const state = current === null ? null : stateOf(current, at);
    if (state === 'granting') return { retry: 'granting' };
    // The item is the access for a ledger grant: our removal cannot have taken it from anyone.
    if (current === null || state !== 'held' || current.provisioner.type === 'ledger') return { done: '' };

    const holders = heldBy(current);
    if (!hasTargetTime(deadline)) {
      logger.error('grant held in the ledger may have lost its access at the target to a late removal', {
        ...grantNamed(current),
        error: 'no time left to grant it again',
      });
      return { done: `; meanwhile ${holders} took it over, and no time was left to grant it again: an error log names it` };
    }
    const granting = asGranting({ ...current, version: current.version + 1 }, markUntil(deadline, at), at);
    if (!(await grants.save(granting, current.version, deadline))) return { retry: 'conflict' };
    const outcome = await atTarget(current.provisioner, deadline, (targetTime) =>
      provisioners.provision(current.provisioner, holderTarget(target, current, at), targetTime),
    );
    // Held again whatever the answer: a pending removal would take the access from the holders for good.
    await this.record(asHeld(granting, now()), granting.version, deadline);
    if (outcome.ok) return { done: `; meanwhile ${holders} took it over, so it was granted again at the target` };
    logger.error('grant held in the ledger may have lost its access at the target to a late removal', { ...grantNamed(current), error: outcome.message });
    return { done: `; meanwhile ${holders} took it over, and granting it again failed (${outcome.message}): an error log names it` };
  }
}

function heldBy(grant: GrantItem): string {
  return Object.keys(grant.holds).join(', ');
}

/** Names a grant in an error log an admin acts on: which app, person and permission, and through what. */
function grantNamed(grant: GrantItem): Record<string, string> {
  return { app_instance: grant.app_instance, subject_permission: grant.subject_permission, provisioner: provisionerName(grant.provisioner) };
}

/**
 * What the grant is given again for: its holders' request and the time their holds have left
 * (the holders' own payload is not kept; the rest comes from this call, about the same person).
 */
function holderTarget(target: GrantTarget, grant: GrantItem, now: Date): GrantTarget {
  const holder = Object.values(grant.holds)[0];
  const accessLength = grant.expires_at === null ? null : Math.max(0, Math.ceil((Date.parse(grant.expires_at) - now.getTime()) / 1000));
  return { ...target, access_length: accessLength, request_task_url: holder?.request_task_url ?? null };
}
