/**
 * A state source as an admin writes it (docs/state-sources.md): where on-call shifts or training
 * records come from, which secret holds the credential, what to sync and under which names the
 * rules know it. Bad input is refused with every problem and its path, so a typo in a mapping
 * never silently means "nobody is on call".
 */
import * as z from 'zod/mini';
import { formatPath } from '../kernel/issue-path';
import '../kernel/zod-setup';
import { type SourceSecretPrefixes, secretPrefixOf } from './source-secret-prefixes';

export const SOURCE_TYPES = ['pagerduty', 'incidentio', 'ics', 'knowbe4'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** The KnowBe4 regions and their Reporting API hosts (developer.knowbe4.com, "Base URL"). */
export const KNOWBE4_HOSTS = {
  us: 'us.api.knowbe4.com',
  eu: 'eu.api.knowbe4.com',
  ca: 'ca.api.knowbe4.com',
  uk: 'uk.api.knowbe4.com',
  de: 'de.api.knowbe4.com',
} as const;

/** PagerDuty's REST API hosts: the US service and the EU service. */
export const PAGERDUTY_HOSTS = { us: 'api.pagerduty.com', eu: 'api.eu.pagerduty.com' } as const;

export const INCIDENTIO_HOST = 'api.incident.io';

/**
 * `stale_after` is a whole number of minutes (not an ISO duration: one unit, no parser, and
 * the console shows a plain number). Default 30; at most a week, beyond which stale state
 * would decide access for too long.
 */
export const DEFAULT_STALE_AFTER_MINUTES = 30;
const MAX_STALE_AFTER_MINUTES = 7 * 24 * 60;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Text an admin types: trimmed, not empty, bounded, no control characters. */
const text = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((value) => !CONTROL.test(value), 'must not hold control characters'),
  );

/** A name rules use (`on_call.schedule`, `training.course`), which also forms state keys. */
const ruleName = text(200);
const sourceId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1 to 64 letters, digits, "-", "_" or "." (starting with a letter or digit)'));

/** `{ "<id in the source>": "<name rules use>" }`, at least one entry. */
const mapping = (what: string) =>
  z.record(text(200), ruleName).check(
    z.refine((value) => Object.keys(value).length > 0, `map at least one ${what}`),
    z.refine((value) => Object.keys(value).length <= 500, `map at most 500 ${what}s per source`),
  );

const common = {
  id: sourceId,
  /** The Secrets Manager secret holding the credential; must start with the source secret prefix. */
  secret: text(512),
  stale_after: z._default(
    z
      .int('must be a whole number of minutes')
      .check(z.minimum(1, 'must be at least 1 minute'), z.maximum(MAX_STALE_AFTER_MINUTES, `must be at most ${MAX_STALE_AFTER_MINUTES} minutes (a week)`)),
    DEFAULT_STALE_AFTER_MINUTES,
  ),
  description: z.optional(text(500)),
};

const pagerduty = z.strictObject({
  ...common,
  type: z.literal('pagerduty'),
  /** PagerDuty schedule id (e.g. `PI7DH85`) → the schedule name rules use. */
  schedules: mapping('schedule'),
  region: z._default(z.enum(['us', 'eu'], 'must be "us" or "eu"'), 'us'),
});

const incidentio = z.strictObject({
  ...common,
  type: z.literal('incidentio'),
  /** incident.io schedule id → the schedule name rules use. */
  schedules: mapping('schedule'),
});

const ics = z.strictObject({
  ...common,
  type: z.literal('ics'),
  /** The schedule name rules use; the feed URL (with its token) is in the secret. */
  schedule: ruleName,
});

const knowbe4 = z
  .strictObject({
    ...common,
    type: z.literal('knowbe4'),
    region: z._default(z.enum(['us', 'eu', 'ca', 'uk', 'de'], 'must be one of us, eu, ca, uk, de'), 'us'),
    /** Training campaign id → the course name rules use. */
    campaigns: z.optional(mapping('campaign')),
    /** Store purchase (module) id → the course name rules use. */
    modules: z.optional(mapping('module')),
  })
  .check(
    z.refine((value) => value.campaigns !== undefined || value.modules !== undefined, {
      message: 'map at least one campaign ("campaigns") or module ("modules") to a course name',
      path: ['campaigns'],
    }),
  );

export const SourceItemSchema = z.discriminatedUnion('type', [pagerduty, incidentio, ics, knowbe4]);
export type SourceItem = z.output<typeof SourceItemSchema>;
export type PagerDutySource = z.output<typeof pagerduty>;
export type IncidentIoSource = z.output<typeof incidentio>;
export type IcsSource = z.output<typeof ics>;
export type KnowBe4Source = z.output<typeof knowbe4>;

/** A source item is malformed; `problems` name each field by path, never a secret. */
export class SourceItemError extends Error {
  override name = 'SourceItemError';

  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
  }
}

function problemsOf(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => {
    // An unknown `type`, in the same words as every other problem.
    if (issue.code === 'invalid_union') return `type: must be one of ${SOURCE_TYPES.join(', ')}`;
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

/**
 * The source item, checked; its secret's name must start with the deployment's source secret
 * prefix (or, during an upgrade, the legacy one), so a source item cannot name any other secret
 * the sync function's role happens to reach.
 */
export function parseSourceItem(value: unknown, prefixes: SourceSecretPrefixes): SourceItem {
  const result = SourceItemSchema.safeParse(value);
  const problems = result.success ? [] : problemsOf(result.error);
  if (result.success) {
    const under = secretPrefixOf(result.data.secret, prefixes);
    if ('problem' in under) problems.push(`secret: ${under.problem}`);
  }
  if (!result.success || problems.length > 0) {
    const id = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
    throw new SourceItemError(`source ${id === undefined ? '(no id)' : JSON.stringify(id.slice(0, 64))} is malformed: ${problems.join('; ')}`, problems);
  }
  return result.data;
}
