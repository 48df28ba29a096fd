/**
 * The condition vocabulary (docs/rules.md, "Conditions"), parsed from the plain JSON an admin
 * writes in a rule's `when`. Each node is an object with exactly one key; anything else is
 * an error with the path to it, because a typo must never silently widen or narrow access.
 */
import * as z from 'zod';
import { asciiLowerCase, emailProblem, normaliseEmail } from '../lumos/email';
import { compilePattern } from './pattern';
import { isValidTimeZone, parseClock, WEEKDAYS, type Weekday } from './time-window';

export type Who = 'target' | 'requester';

export type Condition =
  | { type: 'all'; of: Condition[] }
  | { type: 'any'; of: Condition[] }
  | { type: 'not'; of: Condition }
  | { type: 'on_call'; schedule: string; who: Who }
  | { type: 'email_in'; emails: string[]; who: Who }
  | { type: 'email_domain_in'; domains: string[]; who: Who }
  | { type: 'permission_in'; values: string[] }
  | { type: 'access_length_at_most'; seconds: number }
  | { type: 'self_request'; value: boolean }
  | { type: 'custom_field'; name: string; equals?: string; in?: string[]; matches?: string; present?: boolean; ignore_case?: boolean }
  | { type: 'time_window'; days: Weekday[]; from: number; to: number; tz: string }
  | { type: 'training'; course: string; within_days?: number; who: Who };

export type ConditionType = Condition['type'];

/** Regexes in rules are capped in length; custom-field values longer than this never match. */
export const MAX_PATTERN_LENGTH = 200;
export const MAX_MATCHED_VALUE_LENGTH = 1_000;
/** A multi-select answer is matched entry by entry, up to this many characters in all. */
export const MAX_MATCHED_TOTAL_LENGTH = 4_000;
/** Trees deeper than this are almost certainly a mistake (and would cost stack). */
const MAX_DEPTH = 12;

const who = z.enum(['target', 'requester']).default('target');
const nonEmpty = z.string().trim().min(1);
/** Emails are compared as the payload's are (src/lumos/email.ts): trimmed, ASCII letters lower-cased. */
const emailValue = nonEmpty.transform((value, ctx) => {
  const email = normaliseEmail(value);
  const problem = emailProblem(email);
  if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is ${problem}` });
  return email;
});
const domainValue = nonEmpty.transform((value, ctx) => {
  const domain = asciiLowerCase(value.trim()).replace(/^@/, '');
  if (!domain || /[@\s\p{Cc}]/u.test(domain)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a domain such as "example.com"` });
  return domain;
});

/**
 * `email_in` / `email_domain_in` take a list (about the target) or `{values, who}`. The form is
 * picked by shape, so the admin sees the specific problem rather than a union's "Invalid input".
 */
const emailList = (entry: z.ZodType<string, string>) => {
  const list = z.array(entry).min(1, 'list must not be empty');
  const listForm = list.transform((values) => ({ values, who: 'target' as Who }));
  const objectForm = z.strictObject({ values: list, who });
  return z.unknown().transform((value, ctx): { values: string[]; who: Who } => {
    if (!Array.isArray(value) && (typeof value !== 'object' || value === null)) {
      ctx.addIssue({ code: 'custom', message: 'expected a list of values, or {"values": [...], "who": "target" | "requester"}' });
      return z.NEVER;
    }
    const parsed = (Array.isArray(value) ? listForm : objectForm).safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
};

const leafSchemas = {
  on_call: z.strictObject({ schedule: nonEmpty, who }).transform((v) => ({ type: 'on_call' as const, ...v })),
  email_in: emailList(emailValue).transform((v) => ({ type: 'email_in' as const, emails: v.values, who: v.who })),
  email_domain_in: emailList(domainValue).transform((v) => ({ type: 'email_domain_in' as const, domains: v.values, who: v.who })),
  permission_in: z
    .array(nonEmpty)
    .min(1, 'list must not be empty')
    .transform((values) => ({ type: 'permission_in' as const, values })),
  access_length_at_most: z
    .number('must be a number of seconds')
    .nonnegative('must not be negative')
    .transform((seconds) => ({ type: 'access_length_at_most' as const, seconds })),
  self_request: z.boolean('must be true or false').transform((value) => ({ type: 'self_request' as const, value })),
  custom_field: z
    .strictObject({
      name: nonEmpty,
      equals: z.string().optional(),
      in: z.array(z.string()).min(1).optional(),
      matches: z
        .string()
        .min(1)
        .max(MAX_PATTERN_LENGTH, `pattern longer than ${MAX_PATTERN_LENGTH} characters`)
        .superRefine((pattern, ctx) => {
          const compiled = compilePattern(pattern);
          if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.problem });
        })
        .optional(),
      /** Whether the requester answered at all: the one test that is decided when the field is absent. */
      present: z.boolean('must be true or false').optional(),
      /** equals / in compare with ASCII letters folded (as emails are); nothing else is folded. */
      ignore_case: z.boolean('must be true or false').optional(),
    })
    .refine((v) => [v.equals, v.in, v.matches, v.present].filter((test) => test !== undefined).length === 1, {
      message: 'give exactly one of equals, in, matches, present',
    })
    .refine((v) => v.ignore_case === undefined || v.equals !== undefined || v.in !== undefined, {
      message: 'ignore_case goes with equals or in (a pattern can use (?i))',
      path: ['ignore_case'],
    })
    .transform((v) => ({ type: 'custom_field' as const, ...v })),
  time_window: z
    .strictObject({
      days: z.array(z.enum(WEEKDAYS)).min(1).optional(),
      from: z.string().transform(toMinutes),
      to: z.string().transform(toMinutes),
      tz: z.string().refine(isValidTimeZone, 'unknown IANA time zone (e.g. "Europe/Berlin", "UTC")'),
    })
    .refine((v) => v.from !== v.to, { message: 'from and to must differ' })
    // 24:00 only ends a day; a window starting there would never hold.
    .refine((v) => v.from < 24 * 60, { message: 'from must be before 24:00', path: ['from'] })
    .transform((v) => ({ type: 'time_window' as const, days: v.days ?? [...WEEKDAYS], from: v.from, to: v.to, tz: v.tz })),
  training: z
    .strictObject({
      course: nonEmpty,
      within_days: z.number('must be a number of days').int('must be a whole number of days').positive('must be at least 1').optional(),
      who,
    })
    .transform((v) => ({ type: 'training' as const, ...v })),
} satisfies Record<string, z.ZodType<unknown>>;

type LeafName = keyof typeof leafSchemas;
const COMBINATORS = ['all', 'any', 'not'] as const;
export const CONDITION_NAMES: readonly string[] = [...COMBINATORS, ...Object.keys(leafSchemas)];

function toMinutes(clock: string, ctx: z.RefinementCtx): number {
  const minutes = parseClock(clock);
  if (minutes === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a time as "HH:MM" (24-hour)' });
    return z.NEVER;
  }
  return minutes;
}

export interface ConditionIssue {
  path: PropertyKey[];
  message: string;
}

/** Parses one condition tree; issues carry paths relative to the tree's root. */
export function parseCondition(raw: unknown, path: PropertyKey[] = [], depth = 0): { condition?: Condition; issues: ConditionIssue[] } {
  const fail = (message: string, at = path) => ({ issues: [{ path: at, message }] });
  if (depth > MAX_DEPTH) return fail(`conditions nested deeper than ${MAX_DEPTH} levels`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(`expected a condition object such as {"on_call": {"schedule": "..."}}`);
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    return fail(`a condition has exactly one key (one of ${CONDITION_NAMES.join(', ')}); found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  }
  const name = keys[0] as string;
  const value: unknown = (raw as Record<string, unknown>)[name];
  const here = [...path, name];

  if (name === 'all' || name === 'any') {
    if (!Array.isArray(value)) return fail(`"${name}" takes a list of conditions`, here);
    const children = value.map((child, index) => parseCondition(child, [...here, index], depth + 1));
    const issues = children.flatMap((child) => child.issues);
    if (issues.length > 0) return { issues };
    return { condition: { type: name, of: children.map((child) => child.condition as Condition) }, issues };
  }
  if (name === 'not') {
    const child = parseCondition(value, here, depth + 1);
    return child.condition ? { condition: { type: 'not', of: child.condition }, issues: [] } : child;
  }
  // Own keys only: "constructor" or "toString" must be an unknown condition, not Object's.
  if (!Object.hasOwn(leafSchemas, name)) return fail(`unknown condition "${name}"; expected one of ${CONDITION_NAMES.join(', ')}`, here);

  const parsed = leafSchemas[name as LeafName].safeParse(value);
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((issue) => ({ path: [...here, ...issue.path], message: issue.message })) };
  }
  return { condition: parsed.data as Condition, issues: [] };
}

/** Every leaf of a tree, for the service to know which facts to load. */
export function* leaves(condition: Condition): Generator<Condition> {
  if (condition.type === 'all' || condition.type === 'any') {
    for (const child of condition.of) yield* leaves(child);
  } else if (condition.type === 'not') {
    yield* leaves(condition.of);
  } else {
    yield condition;
  }
}
