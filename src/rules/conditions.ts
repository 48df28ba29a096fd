/**
 * The condition vocabulary (docs/rules.md, "Conditions"), parsed from the plain JSON an admin
 * writes in a rule's `when`. Each node is an object with exactly one key; anything else is
 * an error with the path to it, because a typo must never silently widen or narrow access.
 */
import * as z from 'zod/mini';
import { addIssue, type TransformContext } from '../kernel/zod-setup';
import { asciiLowerCase, emailProblem, normaliseEmail } from '../lumos/email';
import { compilePattern } from './pattern';
import { isValidTimeZone, parseClock, WEEKDAYS, type Weekday } from './time-window';

export type Who = 'target' | 'requester';

export type Condition =
  | { type: 'all'; of: Condition[] }
  | { type: 'any'; of: Condition[] }
  | { type: 'not'; of: Condition }
  | { type: 'on_call'; schedule: string; who: Who; escalation_level_at_most?: number }
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

export const who = z._default(z.enum(['target', 'requester']), 'target');
const nonEmpty = z.string().check(z.trim(), z.minLength(1));
export const nonEmptyList = <T extends z.ZodMiniType>(entry: T) => z.array(entry).check(z.minLength(1, 'list must not be empty'));
const trueOrFalse = () => z.boolean('must be true or false');
/** Emails are compared as the payload's are (src/lumos/email.ts): trimmed, ASCII letters lower-cased. */
export const emailValue = z.pipe(
  nonEmpty,
  z.transform((value, ctx) => {
    const email = normaliseEmail(value);
    const problem = emailProblem(email);
    if (problem) addIssue(ctx, `${JSON.stringify(value)} is ${problem}`);
    return email;
  }),
);
export const domainValue = z.pipe(
  nonEmpty,
  z.transform((value, ctx) => {
    const domain = asciiLowerCase(value.trim()).replace(/^@/, '');
    if (!domain || /[@\s\p{Cc}]/u.test(domain)) addIssue(ctx, `${JSON.stringify(value)} is not a domain such as "example.com"`);
    return domain;
  }),
);

/**
 * `email_in` / `email_domain_in` take a list (about the target) or `{values, who}`. The form is
 * picked by shape, so the admin sees the specific problem rather than a union's "Invalid input".
 */
const emailList = (entry: z.ZodMiniType<string, string>) => {
  const list = nonEmptyList(entry);
  const listForm = z.pipe(
    list,
    z.transform((values) => ({ values, who: 'target' as Who })),
  );
  const objectForm = z.strictObject({ values: list, who });
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx): { values: string[]; who: Who } => {
      if (!Array.isArray(value) && (typeof value !== 'object' || value === null)) {
        addIssue(ctx, 'expected a list of values, or {"values": [...], "who": "target" | "requester"}');
        return z.NEVER;
      }
      const parsed = (Array.isArray(value) ? listForm : objectForm).safeParse(value);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) addIssue(ctx, issue.message, issue.path);
      return z.NEVER;
    }),
  );
};

/** A leaf condition: the schema of its value, then the condition that value makes. */
const leaf = <S extends z.ZodMiniType, C extends Condition>(schema: S, toCondition: (value: z.output<S>) => C) => z.pipe(schema, z.transform(toCondition));

/**
 * Each leaf's schema, built the first time a rule uses that condition: a deployment whose rules
 * use three kinds of condition never builds the other six (each costs a function's cold start).
 */
const LEAF_SCHEMAS = {
  on_call: () =>
    leaf(
      z.strictObject({
        schedule: nonEmpty,
        who,
        escalation_level_at_most: z.optional(z.number('must be a number').check(z.int('must be a whole number'), z.positive('must be at least 1'))),
      }),
      (v) => ({ type: 'on_call', ...v }),
    ),
  email_in: () => leaf(emailList(emailValue), (v) => ({ type: 'email_in', emails: v.values, who: v.who })),
  email_domain_in: () => leaf(emailList(domainValue), (v) => ({ type: 'email_domain_in', domains: v.values, who: v.who })),
  permission_in: () => leaf(nonEmptyList(nonEmpty), (values) => ({ type: 'permission_in', values })),
  access_length_at_most: () =>
    leaf(z.number('must be a number of seconds').check(z.nonnegative('must not be negative')), (seconds) => ({
      type: 'access_length_at_most',
      seconds,
    })),
  self_request: () => leaf(trueOrFalse(), (value) => ({ type: 'self_request', value })),
  custom_field: () =>
    leaf(
      z
        .strictObject({
          name: nonEmpty,
          equals: z.optional(z.string()),
          in: z.optional(z.array(z.string()).check(z.minLength(1))),
          matches: z.optional(
            z.string().check(
              z.minLength(1),
              z.maxLength(MAX_PATTERN_LENGTH, `pattern longer than ${MAX_PATTERN_LENGTH} characters`),
              z.superRefine((pattern, ctx) => {
                const compiled = compilePattern(pattern);
                if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.problem });
              }),
            ),
          ),
          /** Whether the requester answered at all: the one test that is decided when the field is absent. */
          present: z.optional(trueOrFalse()),
          /** equals / in compare with ASCII letters folded (as emails are); nothing else is folded. */
          ignore_case: z.optional(trueOrFalse()),
        })
        .check(
          z.refine((v) => [v.equals, v.in, v.matches, v.present].filter((test) => test !== undefined).length === 1, {
            message: 'give exactly one of equals, in, matches, present',
          }),
          z.refine((v) => v.ignore_case === undefined || v.equals !== undefined || v.in !== undefined, {
            message: 'ignore_case goes with equals or in (a pattern can use (?i))',
            path: ['ignore_case'],
          }),
        ),
      (v) => ({ type: 'custom_field', ...v }),
    ),
  time_window: () =>
    leaf(
      z
        .strictObject({
          days: z.optional(z.array(z.enum(WEEKDAYS)).check(z.minLength(1))),
          from: z.pipe(z.string(), z.transform(toMinutes)),
          to: z.pipe(z.string(), z.transform(toMinutes)),
          tz: z.string().check(z.refine(isValidTimeZone, 'unknown IANA time zone (e.g. "Europe/Berlin", "UTC")')),
        })
        .check(
          z.refine((v) => v.from !== v.to, { message: 'from and to must differ' }),
          // 24:00 only ends a day; a window starting there would never hold.
          z.refine((v) => v.from < 24 * 60, { message: 'from must be before 24:00', path: ['from'] }),
        ),
      (v) => ({ type: 'time_window', days: v.days ?? [...WEEKDAYS], from: v.from, to: v.to, tz: v.tz }),
    ),
  training: () =>
    leaf(
      z.strictObject({
        course: nonEmpty,
        within_days: z.optional(z.number('must be a number of days').check(z.int('must be a whole number of days'), z.positive('must be at least 1'))),
        who,
      }),
      (v) => ({ type: 'training', ...v }),
    ),
} satisfies Record<string, () => z.ZodMiniType<Condition>>;

export type LeafName = keyof typeof LEAF_SCHEMAS;
export type LeafSchema<N extends LeafName> = ReturnType<(typeof LEAF_SCHEMAS)[N]>;
export const LEAF_NAMES = Object.keys(LEAF_SCHEMAS) as LeafName[];
const COMBINATORS = ['all', 'any', 'not'] as const;
export const CONDITION_NAMES: readonly string[] = [...COMBINATORS, ...LEAF_NAMES];

const builtLeaves = new Map<LeafName, z.ZodMiniType<Condition>>();

/** The leaf's schema, built once. */
export function leafSchema<N extends LeafName>(name: N): LeafSchema<N> {
  let schema = builtLeaves.get(name);
  if (schema === undefined) {
    schema = LEAF_SCHEMAS[name]();
    builtLeaves.set(name, schema);
  }
  return schema as LeafSchema<N>;
}

function toMinutes(clock: string, ctx: TransformContext): number {
  const minutes = parseClock(clock);
  if (minutes === null) {
    addIssue(ctx, 'expected a time as "HH:MM" (24-hour)');
    return z.NEVER;
  }
  return minutes;
}

export interface ConditionIssue {
  path: PropertyKey[];
  message: string;
}

/** A condition read, or the issues that kept it from being read. */
interface ParsedCondition {
  condition?: Condition;
  issues: ConditionIssue[];
}

/** Parses one condition tree; issues carry paths relative to the tree's root. */
export function parseCondition(raw: unknown, path: PropertyKey[] = [], depth = 0): ParsedCondition {
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

  if (name === 'all' || name === 'any') return parseList(name, value, here, depth);
  if (name === 'not') {
    const child = parseCondition(value, here, depth + 1);
    return child.condition ? { condition: { type: 'not', of: child.condition }, issues: [] } : child;
  }
  // Own keys only: "constructor" or "toString" must be an unknown condition, not Object's.
  if (!Object.hasOwn(LEAF_SCHEMAS, name)) return fail(`unknown condition "${name}"; expected one of ${CONDITION_NAMES.join(', ')}`, here);
  return parseLeaf(name as LeafName, value, here);
}

/** `all` or `any`: every child parsed, so one reading reports every problem. */
function parseList(name: 'all' | 'any', value: unknown, here: PropertyKey[], depth: number): ParsedCondition {
  if (!Array.isArray(value)) return { issues: [{ path: here, message: `"${name}" takes a list of conditions` }] };
  const children = value.map((child, index) => parseCondition(child, [...here, index], depth + 1));
  const issues = children.flatMap((child) => child.issues);
  if (issues.length > 0) return { issues };
  return { condition: { type: name, of: children.map((child) => child.condition as Condition) }, issues };
}

function parseLeaf(name: LeafName, value: unknown, here: PropertyKey[]): ParsedCondition {
  const parsed = leafSchema(name).safeParse(value);
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((issue) => ({ path: [...here, ...issue.path], message: issue.message })) };
  }
  return { condition: parsed.data, issues: [] };
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
