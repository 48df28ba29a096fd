/**
 * A rule test file (docs/rules-as-code.md, "Test files"): `cases`, each a request (a shorthand or
 * a full Lumos payload), the facts (the time, on-call shifts, training records) and the expected
 * reply. Strict, so a misspelt key is an error rather than a silently weaker test.
 */
import * as z from 'zod/mini';
import '../../../kernel/zod-setup';
import { addIssue } from '../../../kernel/zod-setup';
import { emailProblem, normaliseEmail } from '../../../lumos/email';
import { DONE_OUTCOME, LUMOS_RESPONSE } from '../../../lumos/replies';
import { RULE_KINDS, type RuleKind } from '../../../rules/rule-item';
import { normaliseInstant } from '../../../store/iso-instant';

/** Provisioning's 204 (done) has no `response` value; tests name it as the audit trail does. */
export const PROVISIONED = DONE_OUTCOME.provisioning;

export const REPLIES_BY_KIND: Readonly<Record<RuleKind, readonly string[]>> = {
  pre_approval: [LUMOS_RESPONSE.PREAPPROVED, LUMOS_RESPONSE.NOT_PREAPPROVED],
  request_validation: [LUMOS_RESPONSE.VALIDATION_PASSED, LUMOS_RESPONSE.VALIDATION_FAILED],
  provisioning: [PROVISIONED, LUMOS_RESPONSE.NO_PROVISIONING_ACTION, LUMOS_RESPONSE.PROVISIONING_FAILED],
};

const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/** ISO-8601 with a zone, as state items are written (docs/rules.md); kept as `toISOString()` writes it. */
const instant = z.pipe(
  z.string('expected an ISO-8601 time such as "2026-01-15T12:00:00Z"'),
  z.transform((value, ctx) => {
    const normalised = normaliseInstant(value);
    if (normalised !== null) return normalised;
    addIssue(ctx, `${JSON.stringify(value)} is not an ISO-8601 time with a zone, such as "2026-01-15T12:00:00Z"`);
    return z.NEVER;
  }),
);

/** Compared as the runtime compares emails (src/lumos/email.ts): trimmed, ASCII letters lower-cased. */
const email = z.pipe(
  text,
  z.transform((value, ctx) => {
    const normalised = normaliseEmail(value);
    const problem = emailProblem(normalised);
    if (problem) addIssue(ctx, `${JSON.stringify(value)} is ${problem}`);
    return normalised;
  }),
);

export const ShiftSchema = z.strictObject({ schedule: text, email, starts_at: instant, ends_at: instant });

export const TrainingSchema = z.strictObject({ email, course: text, completed_at: instant, expires_at: z.optional(z.nullable(instant)) });

export const ExpectSchema = z.strictObject({
  reply: z.enum([...new Set(Object.values(REPLIES_BY_KIND).flat())] as [string, ...string[]]),
  /** A substring of the reply's message (of its reason, for pre-approval, which has no message). */
  message: z.optional(z.string()),
  rule_id: z.optional(text),
  provisioner: z.optional(text),
});

/** The shorthand for a request; `payload` takes a full Lumos payload instead. */
const SHORTHAND = ['app', 'permissions', 'requester', 'target', 'access_length', 'custom_fields'] as const;

export const CaseSchema = z
  .strictObject({
    name: text,
    kind: z.enum(RULE_KINDS),
    payload: z.optional(z.unknown()),
    app: z.optional(text),
    permissions: z.optional(z.array(text).check(z.minLength(1, 'list at least one permission'))),
    requester: z.optional(z.nullable(z.string())),
    target: z.optional(z.string()),
    access_length: z.optional(z.nullable(z.number('a number of seconds, or null for unlimited'))),
    custom_fields: z.optional(z.record(z.string(), z.unknown())),
    now: z.optional(instant),
    shifts: z.optional(z.array(ShiftSchema)),
    training: z.optional(z.array(TrainingSchema)),
    expect: ExpectSchema,
  })
  .check(
    z.superRefine((testCase, ctx) => {
      const issue = (message: string, path: PropertyKey[]) => ctx.addIssue({ code: 'custom', message, path, input: testCase });
      const shorthand = SHORTHAND.filter((key) => testCase[key] !== undefined);
      if (testCase.payload !== undefined) {
        for (const key of shorthand) issue('give either a payload or the shorthand (app, permissions, …), not both', [key]);
      } else {
        if (testCase.app === undefined) issue('required (or give a full Lumos payload in "payload")', ['app']);
        if (testCase.permissions === undefined) issue('required (or give a full Lumos payload in "payload")', ['permissions']);
      }
      const replies = REPLIES_BY_KIND[testCase.kind];
      if (!replies.includes(testCase.expect.reply)) issue(`a ${testCase.kind} reply is one of ${replies.join(', ')}`, ['expect', 'reply']);
      if (testCase.expect.provisioner !== undefined && testCase.kind !== 'provisioning')
        issue('only provisioning cases choose a provisioner', ['expect', 'provisioner']);
    }),
  );

export const TestFileSchema = z.strictObject({
  cases: z.array(CaseSchema).check(z.minLength(1, 'a test file needs at least one case')),
});

export type TestCase = z.output<typeof CaseSchema>;
export type TestFile = z.output<typeof TestFileSchema>;

/** The keys an object at this path of a test file may have, for "did you mean". */
export function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const [first, , third] = path;
  if (path.length === 0) return Object.keys(TestFileSchema.shape);
  if (first !== 'cases') return [];
  if (path.length === 2) return Object.keys(CaseSchema.shape);
  if (path.length === 3 && third === 'expect') return Object.keys(ExpectSchema.shape);
  if (path.length === 4 && third === 'shifts') return Object.keys(ShiftSchema.shape);
  if (path.length === 4 && third === 'training') return Object.keys(TrainingSchema.shape);
  return [];
}
