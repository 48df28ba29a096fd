/**
 * A provisioning rule's `provisioner`: `"ledger"` (record the grant; internal tools read the
 * ledger) or an `http` spec (call an API, then record). Grants keep a copy, so deprovisioning
 * reverses exactly what was done even after the rule is edited or deleted.
 */
import * as z from 'zod/mini';
import { addIssue } from '../kernel/zod-setup';
import { HttpProvisionerSchema, type HttpProvisionerSpec } from './http-spec';

export type ProvisionerSpec = { type: 'ledger' } | HttpProvisionerSpec;

export const ProvisionerSpecSchema = z.pipe(
  z.unknown(),
  z.transform((value, ctx): ProvisionerSpec => {
    if (value === 'ledger') return { type: 'ledger' };
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (type === 'ledger') {
      if (Object.keys(value as object).length === 1) return { type: 'ledger' };
      addIssue(ctx, 'the ledger provisioner takes no settings: write "ledger"');
      return z.NEVER;
    }
    if (type !== 'http') {
      addIssue(ctx, 'expected "ledger" or {"type": "http", "secret": ..., "provision": {...}, "deprovision": {...}}');
      return z.NEVER;
    }
    const parsed = HttpProvisionerSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) addIssue(ctx, issue.message, issue.path);
    return z.NEVER;
  }),
);

/** A short name for messages: the spec's own, else the host it calls. */
export function provisionerName(spec: ProvisionerSpec): string {
  if (spec.type === 'ledger') return 'ledger';
  if (spec.name) return spec.name;
  return /^[a-z]+:\/\/([^/?#]*)/i.exec(spec.provision.url)?.[1] ?? 'http';
}
