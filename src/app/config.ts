/**
 * Settings from the environment, validated once per container. The CDK stack sets them in
 * Lambda; `npm start` sets them locally. docs/deploy.md, "Environment variables", lists each one.
 */
import * as z from 'zod/mini';
import { formatPath } from '../kernel/issue-path';
import { VALIDATION_MISCONFIGURED_MESSAGE } from '../lumos/replies';
import '../kernel/zod-setup';
import { ConfigError } from '../kernel/errors';
import { FAIL_MODES } from '../services/fail-mode';
import { DEFAULT_CONNECTOR_SECRET_PREFIX, LOCAL_SOURCE_SECRET_PREFIX, secretPrefixProblem } from '../store/secret-prefix';

/** A message for requesters, set by the deployment; the stack checks the same bound at synth. */
export const MAX_VALIDATION_MESSAGE_LENGTH = 1_000;

const wholeNumber = (min: number, max: number, fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);
const seconds = (fallback: number, max: number) => wholeNumber(0, max, fallback);
const text = z.string().check(z.minLength(1));
const optionalText = z.optional(text);
/** A secret name prefix the function reads under: never empty or a wildcard, which would reach every secret. */
const secretPrefix = text.check(
  z.superRefine((value, context) => {
    const problem = secretPrefixProblem(value);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem, input: value });
  }),
);

const BaseEnvSchema = z.object({
  /** Each function is given only the tables it uses; a missing one fails when first needed. */
  RULES_TABLE: optionalText,
  STATE_TABLE: optionalText,
  AUDIT_TABLE: optionalText,
  GRANTS_TABLE: optionalText,
  /** Connector secrets (http provisioner) must have names starting with this. */
  CONNECTOR_SECRET_PREFIX: z._default(secretPrefix, DEFAULT_CONNECTOR_SECRET_PREFIX),
  /** State sources' secrets must have names starting with this (the stack sets `lumos-sources/<stack name>/`). */
  SOURCE_SECRET_PREFIX: z._default(secretPrefix, LOCAL_SOURCE_SECRET_PREFIX),
  /** During an upgrade only: the old prefix source secrets may still have, read with a warning. */
  LEGACY_SOURCE_SECRET_PREFIX: z.optional(secretPrefix),
  /** Secrets Manager secret (name or ARN) holding the accepted token(s); used in AWS. */
  TOKEN_SECRET_ID: optionalText,
  /** A fixed token, for local runs only; ignored when TOKEN_SECRET_ID is set. */
  LUMOS_WEBHOOK_TOKEN: optionalText,
  AUTH_HEADER: z._default(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1)), 'authorization'),
  /** How long rule items are cached; short, so disabling a rule in an incident takes effect quickly. */
  RULE_CACHE_SECONDS: seconds(15, 30),
  TOKEN_CACHE_SECONDS: seconds(300, 3600),
  /** A token mismatch re-reads the secret at most this often, so a just-added token works at once. */
  TOKEN_REFRESH_MIN_SECONDS: seconds(10, 3600),
  /** Budget for all outside calls of one invocation; stays well inside Lumos's 15 s. */
  DEADLINE_MS: wholeNumber(100, 12_000, 8_000),
  AUDIT_RETENTION_DAYS: wholeNumber(1, 3650, 400),
  /** When request validation cannot run: `closed` blocks with a message (default), `open` lets the request through. */
  VALIDATION_FAIL_MODE: z._default(z.enum(FAIL_MODES), 'closed'),
  /** Shown to the requester while an invalid rule item blocks request validation (fail mode closed). */
  VALIDATION_MISCONFIGURED_MESSAGE: z._default(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_VALIDATION_MESSAGE_LENGTH)),
    VALIDATION_MISCONFIGURED_MESSAGE,
  ),
});

/** A webhook checks a token on every call, so it cannot start without one; a scheduled function answers no caller. */
const WebhookEnvSchema = z.extend(BaseEnvSchema, {}).check(
  z.refine((env) => env.TOKEN_SECRET_ID !== undefined || env.LUMOS_WEBHOOK_TOKEN !== undefined, {
    message: 'set TOKEN_SECRET_ID (in AWS) or LUMOS_WEBHOOK_TOKEN (locally)',
    path: ['TOKEN_SECRET_ID'],
  }),
);

export type Config = z.output<typeof BaseEnvSchema>;

/** `scheduled`: a function with no caller to authenticate (the expiry sweeper), which needs no token. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, trigger: 'webhook' | 'scheduled' = 'webhook'): Config {
  const parsed = (trigger === 'webhook' ? WebhookEnvSchema : BaseEnvSchema).safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
