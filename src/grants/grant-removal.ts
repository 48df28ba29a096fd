/**
 * Removing a grant's access at its target, under the ledger's lock, shared by deprovisioning and
 * the expiry sweeper (docs/provisioning.md, "The ledger is the lock"): `revoking` by a
 * version-checked write first, then the provisioner recorded on the grant, then `removed`, or
 * `pending_removal` with the attempt count, the error and the next attempt time when the target
 * failed. A removal whose outcome cannot be recorded because another call took the grant over
 * meanwhile is checked: if the grant is held again, it is granted again at the target, since our
 * removal may have landed after that call's grant.
 */
import type { Deadline } from '../kernel/deadline';
import { logger } from '../kernel/logger';
import type { Provisioners } from '../provisioners/dispatch';
import type { Entitlement } from '../provisioners/entitlement';
import { type GrantItem, grantKey } from './grant-item';
import type { GrantLedger } from './grant-ledger';
import { type Backoff, GAVE_UP, type LedgerStep, untilSettled } from './ledger-retry';
import { grantStateAt } from './lifecycle';
import { writeOverMark } from './mark-outcome';
import { recordedProvisionerName } from './recorded-provisioner';
import { atTarget, hasTargetTime, markUntil } from './target-deadline';
import { asGranting, asHeld, asPendingRemoval, asRemoved, asRevoking } from './transitions';

/** What one removal came to; `note` tells of a takeover found afterwards (empty when none). */
export type Removal =
  | { status: 'removed'; note: string }
  | { status: 'failed'; message: string; note: string; pending: GrantItem | null }
  | { status: 'not_called'; message: string };

/** What a removal reads and writes: the ledger, the provisioners, and the clock for ledger times. */
export interface RemovalDependencies {
  readonly grants: GrantLedger;
  readonly provisioners: Provisioners;
  readonly now: () => Date;
  /** How a step on a grant held up by another call waits before it tries again; default `LEDGER_BACKOFF`. */
  readonly backoff?: Backoff;
}

export class GrantRemoval {
  constructor(private readonly deps: RemovalDependencies) {}

  /** `revoking` first (the lock), then the target, then `removed` or `pending_removal`, each conditional on our own last write. */
  async revoke(grant: GrantItem, entitlement: Entitlement, deadline: Deadline): Promise<LedgerStep<Removal>> {
    const { grants, provisioners, now } = this.deps;
    // A retry late in the call may have no time left for the target: change nothing.
    if (grant.provisioner.type !== 'ledger' && !hasTargetTime(deadline)) {
      return { done: { status: 'not_called', message: `${recordedProvisionerName(grant.provisioner)}: not called, no time left; nothing was changed` } };
    }
    const at = now();
    const revoking = asRevoking(grant, markUntil(deadline, at), at);
    if (!(await grants.save(revoking, grant.version, deadline))) return { retry: 'conflict' };

    const outcome = await atTarget(revoking.provisioner, deadline, (spec, targetTime) => provisioners.deprovision(spec, entitlement, targetTime));
    const settled = outcome.ok ? asRemoved(revoking, now()) : asPendingRemoval(revoking, outcome.message, now());
    const recorded = await this.record(settled, revoking.version, deadline);
    // Unrecorded, and the access may be gone: whoever holds the grant now may have lost it to our removal.
    const note = recorded || !(outcome.ok || outcome.maybeApplied === true) ? '' : await this.afterUnrecordedRemoval(revoking, settled, entitlement, deadline);
    if (outcome.ok) return { done: { status: 'removed', note } };
    return { done: { status: 'failed', message: outcome.message, note, pending: recorded ? settled : null } };
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
  private async afterUnrecordedRemoval(revoking: GrantItem, settled: GrantItem, entitlement: Entitlement, deadline: Deadline): Promise<string> {
    try {
      return await untilSettled(
        deadline,
        () => this.repairStep(revoking, settled, entitlement, deadline),
        (why) => {
          logger.error('grant may have lost its access to a late removal and could not be checked', { ...grantNamed(revoking), why });
          return `; the grant changed meanwhile and could not be checked (${GAVE_UP[why]}); an error log names it`;
        },
        this.deps.backoff,
      );
    } catch (error) {
      logger.error('grant may have lost its access to a late removal and could not be checked', {
        ...grantNamed(revoking),
        error: error instanceof Error ? error.name : 'unknown',
      });
      return '; the grant changed meanwhile and could not be checked; an error log names it';
    }
  }

  private async repairStep(revoking: GrantItem, settled: GrantItem, entitlement: Entitlement, deadline: Deadline): Promise<LedgerStep<string>> {
    const { grants, provisioners, now } = this.deps;
    const current = await grants.get(grantKey(entitlement), deadline);
    if (current?.version === revoking.version) {
      if (await this.record(settled, revoking.version, deadline)) return { done: '' };
      return { done: ' (the ledger still marks it revoking; it reads as a pending removal once that expires)' };
    }
    const at = now();
    const state = current === null ? null : grantStateAt(current, at);
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
    const granting = asGranting({ ...current, version: current.version + 1 }, current, markUntil(deadline, at), at);
    if (!(await grants.save(granting, current.version, deadline))) return { retry: 'conflict' };
    const outcome = await atTarget(current.provisioner, deadline, (spec, targetTime) =>
      provisioners.provision(spec, holderEntitlement(entitlement, current, at), targetTime),
    );
    // Held again whatever the answer: a pending removal would take the access from the holders for good.
    await this.record(asHeld(granting, now()), granting.version, deadline);
    if (outcome.ok) return { done: `; meanwhile ${holders} took it over, so it was granted again at the target` };
    logger.error('grant held in the ledger may have lost its access at the target to a late removal', { ...grantNamed(current), error: outcome.message });
    return { done: `; meanwhile ${holders} took it over, and granting it again failed (${outcome.message}): an error log names it` };
  }
}

/** The requests holding a grant, for messages. */
export function heldBy(grant: GrantItem): string {
  return Object.keys(grant.holds).join(', ');
}

/** Names a grant in an error log an admin acts on: which app, person and permission, and through what. */
export function grantNamed(grant: GrantItem): Record<string, string> {
  return { app_instance: grant.app_instance, subject_permission: grant.subject_permission, provisioner: recordedProvisionerName(grant.provisioner) };
}

/**
 * What the grant is given again for: its holders' request and the time their holds have left
 * (the holders' own payload is not kept; the rest comes from this call, about the same person).
 */
function holderEntitlement(entitlement: Entitlement, grant: GrantItem, now: Date): Entitlement {
  const holder = Object.values(grant.holds)[0];
  const accessLength = grant.expires_at === null ? null : Math.max(0, Math.ceil((Date.parse(grant.expires_at) - now.getTime()) / 1000));
  return { ...entitlement, access_length: accessLength, request_task_url: holder?.request_task_url ?? null };
}
