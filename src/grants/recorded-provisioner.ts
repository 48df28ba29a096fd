/**
 * A grant's copy of the provisioner that made it, as read back from the ledger: deprovisioning and
 * the sweeper reverse the grant through it, whatever became of the rule since. A copy that no
 * longer reads as a provisioner (edited by hand, or written under an older schema) stays what is
 * stored, written back unchanged: the grant is still a grant whose access may exist, and no target
 * is called through it, so its removal is left to an admin (`lumos-state resolve`).
 */
import * as z from 'zod/mini';
import { type ProvisionerSpec, ProvisionerSpecSchema, provisionerName } from '../rules/provisioner-spec';

export interface UnreadableProvisioner {
  type: 'unreadable';
  /** The attribute as stored, written back as it is. */
  stored: unknown;
}

export type RecordedProvisioner = ProvisionerSpec | UnreadableProvisioner;

/** Why a target was not called through an unreadable copy, and what an admin does about it. */
export const UNREADABLE_PROVISIONER = 'the provisioner recorded on the grant is unreadable; remove the access by hand, then `lumos-state resolve` it';

/** Absent reads as unreadable too: nothing says how to remove the access. */
export const RecordedProvisionerSchema = z.pipe(
  z.optional(z.unknown()),
  z.transform((value): RecordedProvisioner => {
    const spec = ProvisionerSpecSchema.safeParse(value);
    return spec.success ? spec.data : { type: 'unreadable', stored: value };
  }),
);

/** A short name for messages and audit items: the spec's own; `unknown` when it is unreadable. */
export function recordedProvisionerName(recorded: RecordedProvisioner): string {
  return recorded.type === 'unreadable' ? 'unknown' : provisionerName(recorded);
}

/** The attribute as it is written: the spec, or an unreadable one as it was read. */
export function storedProvisioner(recorded: RecordedProvisioner): unknown {
  return recorded.type === 'unreadable' ? recorded.stored : recorded;
}
