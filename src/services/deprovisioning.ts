/**
 * Deprovisioning: for each permission (or, with an empty list, every grant of the subject in
 * the app), release this request's hold; the access itself is removed, with the provisioner
 * recorded on the grant, only when no still-active hold remains or when the call names no
 * request (security first). Removing what is not granted is a success.
 */
import type { CallContext, KindService } from '../http/pipeline';
import type { ParsedRequest } from '../lumos/payload';
import type { Reply } from '../lumos/replies';
import type { Provisioners } from '../provisioners/dispatch';
import { grantKey, requestKey, withoutHold, type GrantItem } from '../provisioners/grant-item';
import type { GrantTarget } from '../provisioners/provisioner';
import { provisionerName } from '../provisioners/provisioner-spec';
import type { Deadline } from '../runtime/deadline';
import type { Dependencies } from '../runtime/dependencies';
import { StoreUnavailableError } from '../runtime/errors';
import { deprovisioningReply, recordOutcome, type PermissionResult } from './grant-results';
import { grantTarget, grantTargets } from './grant-targets';

const MAX_ATTEMPTS = 3;

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

  /** The permissions named, or every grant of the subject in the app when none are. */
  private async targetsOf(parsed: ParsedRequest, deadline: Deadline): Promise<GrantTarget[]> {
    if (parsed.payload.permissions.length > 0) return grantTargets(parsed);
    const { application } = parsed.payload;
    const held = await this.deps.grants.ofSubject(application.instance_id ?? application.app_id, parsed.subject, deadline);
    return held.map((grant) => grantTarget(parsed, { value: grant.permission, label: grant.permission_label }));
  }

  private async deprovisionOne(target: GrantTarget, deadline: Deadline): Promise<PermissionResult> {
    const { grants, provisioners, now } = this.deps;
    const key = grantKey(target);
    const named = target.request_task_url === null ? null : requestKey(target);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const grant = await grants.get(key, deadline);
      if (!grant) return { permission: target.permission.value, status: 'not_granted', detail: 'nothing to remove' };
      const base = { permission: target.permission.value, rule_id: grant.rule_id, provisioner: provisionerName(grant.provisioner) };
      const release = withoutHold(grant, named, now());
      if (!release.remove) {
        if (await grants.save(release.item, grant.version, deadline)) {
          return { ...base, status: 'hold_released', detail: `access kept: still held by ${heldBy(release.item)}` };
        }
        continue;
      }
      const outcome = await provisioners.deprovision(grant.provisioner, target, deadline);
      if (!outcome.ok) return { ...base, status: 'failed', detail: outcome.message };
      if (await grants.remove(key, grant.version, deadline)) {
        return { ...base, status: 'removed', detail: named === null ? 'removed: the call named no request' : 'removed: no other active request holds it' };
      }
    }
    throw new StoreUnavailableError('the grants ledger kept changing under concurrent calls');
  }
}

function heldBy(grant: GrantItem): string {
  return Object.keys(grant.holds).join(', ');
}
