/**
 * A rule item as an admin writes it in the rules table (docs/rules.md, "Pre-approval rules"). Unknown
 * top-level attributes (notes, tickets) are ignored; inside `when` everything is checked.
 * An item that fails here is kept as an `InvalidRule` so the engine can fail closed on it.
 */
import * as z from 'zod/mini';
import { formatPath } from '../kernel/issue-path';
import { addIssue, type TransformContext } from '../kernel/zod-setup';
import { type Condition, leaves, parseCondition } from './conditions';
import { ProvisionerSpecSchema } from './provisioner-spec';

export const RULE_KINDS = ['pre_approval', 'request_validation', 'provisioning'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

const nonEmpty = z.string().check(z.trim(), z.minLength(1));

/** Attributes for people: notes, owners, tickets. Any other unknown attribute is a typo. */
export const NOTE_ATTRIBUTES = new Set(['description', 'notes', 'note', 'ticket', 'owner', 'created_by', 'created_at', 'updated_by', 'updated_at']);

export const RuleItemSchema = z.pipe(
  z.looseObject({
    app_id: nonEmpty,
    rule_id: nonEmpty,
    kind: z.enum(RULE_KINDS, `kind must be one of ${RULE_KINDS.join(', ')}`),
    description: z.optional(z.string()),
    enabled: z._default(z.boolean('enabled must be true or false'), true),
    priority: z._default(z.number('priority must be a number').check(z.int()), 0),
    permissions: z.optional(z.array(nonEmpty).check(z.minLength(1, 'permissions, when given, must list at least one value'))),
    when: z.optional(z.unknown()),
    effect: z.optional(z.enum(['allow', 'deny'], 'effect must be "allow" or "deny"')),
    message: z.optional(z.string()),
    provisioner: z.optional(ProvisionerSpecSchema),
    mode: z._default(z.enum(['enforce', 'shadow'], 'mode must be "enforce" or "shadow"'), 'enforce'),
    updated_by: z.optional(z.string()),
    updated_at: z.optional(z.string()),
  }),
  z.transform((item, ctx) => {
    checkAttributes(item, ctx);
    if (item.when === undefined) {
      if (item.kind !== 'provisioning') {
        addIssue(ctx, 'a condition is required; use {"all": []} to match every request', ['when']);
      }
      return { ...item, when: undefined };
    }
    return { ...item, when: whenCondition(item.when, item.kind, ctx) };
  }),
);

/** The attributes beside `when`: none unknown, and those the rule's kind needs. */
function checkAttributes(item: Record<string, unknown>, ctx: TransformContext): void {
  // A misspelt `enabled`, `mode` or `permissions` must not be ignored: the rule would widen access.
  for (const key of Object.keys(item)) {
    if (!KNOWN_ATTRIBUTES.has(key) && !NOTE_ATTRIBUTES.has(key) && !key.startsWith('x_')) {
      addIssue(ctx, `unknown attribute${suggestion(key)}; notes go in description, notes or an x_ attribute`, [key]);
    }
  }
  if (item.kind === 'provisioning' && item.provisioner === undefined) {
    addIssue(ctx, 'a provisioning rule needs a provisioner: "ledger" or an http spec', ['provisioner']);
  }
  if (item.kind === 'pre_approval' && item.effect === undefined) {
    addIssue(ctx, 'a pre_approval rule needs effect "allow" or "deny"', ['effect']);
  }
}

/** The rule's condition, its problems reported at their paths under `when`. */
function whenCondition(when: unknown, kind: RuleKind, ctx: TransformContext): Condition | undefined {
  const { condition, issues } = parseCondition(when, ['when']);
  for (const issue of issues) addIssue(ctx, issue.message, issue.path);
  // Provisioning functions read no on-call or training state: such a condition could never hold.
  if (condition && kind === 'provisioning') {
    for (const leaf of leaves(condition)) {
      if (leaf.type === 'on_call' || leaf.type === 'training') {
        addIssue(ctx, `condition "${leaf.type}" is not available in provisioning rules`, ['when']);
      }
    }
  }
  return condition;
}

export const KNOWN_ATTRIBUTES = new Set([
  'app_id',
  'rule_id',
  'kind',
  'enabled',
  'priority',
  'permissions',
  'when',
  'effect',
  'message',
  'provisioner',
  'mode',
]);

/** "did you mean" for an attribute one or two edits away from a known one. */
function suggestion(key: string): string {
  const near = [...KNOWN_ATTRIBUTES].find((known) => editDistance(key.toLowerCase(), known) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export type Rule = z.output<typeof RuleItemSchema>;

/** A rule item that failed validation: enough of it to decide whether it is in scope. */
export interface InvalidRule {
  app_id: string;
  rule_id: string;
  kind: unknown;
  enabled: unknown;
  permissions: unknown;
  /** Only exactly "shadow" makes an unreadable item a shadow one; anything else fails closed. */
  mode: unknown;
  problems: string[];
}

export type RuleEntry = { valid: true; rule: Rule } | { valid: false; invalid: InvalidRule };

/**
 * Never throws: whatever an item holds (attributes named like Object.prototype's members
 * included) ends as a rule or as an invalid rule naming its `rule_id`.
 */
export function parseRuleItem(raw: unknown): RuleEntry {
  // Own attributes only, on an object without a prototype: `item.when` must never find Object's.
  const item: Record<string, unknown> = Object.assign(
    Object.create(null) as Record<string, unknown>,
    isRecord(raw) ? Object.fromEntries(Object.entries(raw)) : {},
  );
  const text = (value: unknown) => (typeof value === 'string' ? value : '(missing)');
  const invalid = (problems: string[]): RuleEntry => ({
    valid: false,
    invalid: {
      app_id: text(item.app_id),
      rule_id: text(item.rule_id),
      kind: item.kind,
      enabled: item.enabled,
      permissions: item.permissions,
      mode: item.mode,
      problems,
    },
  });
  try {
    const parsed = RuleItemSchema.safeParse(item);
    if (parsed.success) return { valid: true, rule: parsed.data };
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    // Zod skips `when` once a top-level attribute fails; report its problems too, so one edit fixes all.
    if (item.when !== undefined && !problems.some((problem) => problem.startsWith('when'))) {
      for (const issue of parseCondition(item.when, ['when']).issues) problems.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
    return invalid(problems);
  } catch (error) {
    return invalid([`the item could not be read (${error instanceof Error ? error.name : typeof error})`]);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
