import { RULE_KINDS, type Rule, type RuleEntry, type RuleKind } from './rule-item';

/**
 * How a rule's `permissions` list limits it. An allow (or provisioning) rule decides only when it
 * covers every requested permission; a deny rule, a requirement or an unreadable item applies as
 * soon as one requested permission is listed, so bundling permissions never dodges it.
 *
 * No permission requested is a request for the app itself (Lumos's "provisioning to app"): a
 * rule limited to permissions never allows or provisions it, but a limited deny or requirement
 * still applies, so an empty list can never widen access.
 */
export type Coverage = 'every' | 'any';

export function coversPermissions(limit: readonly string[] | undefined, requested: readonly string[], coverage: Coverage = 'every'): boolean {
  if (limit === undefined) return true;
  if (requested.length === 0) return coverage === 'any';
  return coverage === 'every' ? requested.every((value) => limit.includes(value)) : requested.some((value) => limit.includes(value));
}

function coverageOf(rule: Rule): Coverage {
  return (rule.kind === 'pre_approval' && rule.effect === 'allow') || rule.kind === 'provisioning' ? 'every' : 'any';
}

export type ScopeResult = { inScope: true } | { inScope: false; why: string } | { inScope: false; why: null };

/**
 * Whether an entry takes part in a decision of `kind` for these permissions. `why: null` means
 * "another kind, leave it out of the trace". An invalid item whose kind cannot be read is
 * treated as in scope: an ignored deny rule must never widen access.
 */
export function scopeOf(entry: RuleEntry, kind: RuleKind, requested: readonly string[]): ScopeResult {
  if (entry.valid) {
    const { rule } = entry;
    if (rule.kind !== kind) return { inScope: false, why: null };
    if (!rule.enabled) return { inScope: false, why: 'disabled' };
    if (!coversPermissions(rule.permissions, requested, coverageOf(rule))) {
      return { inScope: false, why: `limited to permissions ${JSON.stringify(rule.permissions)}` };
    }
    return { inScope: true };
  }
  const { invalid } = entry;
  const kindKnown = typeof invalid.kind === 'string' && (RULE_KINDS as readonly string[]).includes(invalid.kind);
  if (kindKnown && invalid.kind !== kind) return { inScope: false, why: null };
  if (invalid.enabled === false) return { inScope: false, why: 'disabled' };
  // Compared as a valid rule's list would be (trimmed), or a stray space could skip a broken deny.
  const limit = invalid.permissions;
  if (Array.isArray(limit) && limit.length > 0 && limit.every((value) => typeof value === 'string' && value.trim())) {
    if (
      !coversPermissions(
        limit.map((value: string) => value.trim()),
        requested,
        'any',
      )
    ) {
      return { inScope: false, why: `limited to permissions ${JSON.stringify(limit)}` };
    }
  }
  return { inScope: true };
}
