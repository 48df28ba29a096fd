/**
 * A source's secret value (docs/state-sources.md): the API key, or for an ICS feed the feed URL
 * with its token, and the hosts it may be sent to, as for `http` connectors. A source item never
 * holds the credential; messages name fields and kinds of problem, never a value.
 */
import * as z from 'zod/mini';
import { httpsOrLoopback } from '../kernel/https-or-loopback';
import { formatPath } from '../kernel/issue-path';
import '../kernel/zod-setup';
import type { SourceType } from './source-item';

/** https, or plain http to this machine (the loopback stand-ins); no credentials in the URL. */
export function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://host/path';
  }
  if (url.username || url.password) return 'must not hold a user name or password';
  if (httpsOrLoopback(url)) return null;
  return 'must use https (plain http only for localhost)';
}

const url = z.string().check(
  z.trim(),
  z.maxLength(4096, 'must be at most 4096 characters'),
  z.superRefine((value, ctx) => {
    const problem = urlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

const allowedHosts = z
  .array(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1, 'must not be empty'), z.maxLength(253, 'must be a host name')))
  .check(z.minLength(1, 'list at least one host'));

const apiKeySecret = z.strictObject({
  api_key: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(4096, 'must be at most 4096 characters')),
  allowed_hosts: allowedHosts,
  /** Overrides the API's documented host (a proxy, or the loopback stand-ins); its host must be allowed too. */
  base_url: z.optional(url),
});

const feedSecret = z.strictObject({
  /** The feed URL; its query often carries the feed's token. */
  url,
  allowed_hosts: allowedHosts,
});

export type ApiKeySecret = z.output<typeof apiKeySecret>;
export type FeedSecret = z.output<typeof feedSecret>;
export type SourceSecret = ApiKeySecret | FeedSecret;

export interface SourceSecrets {
  pagerduty: ApiKeySecret;
  incidentio: ApiKeySecret;
  knowbe4: ApiKeySecret;
  ics: FeedSecret;
}

/** The secret could not be parsed; the message never quotes its text. */
export class SourceSecretError extends Error {
  override name = 'SourceSecretError';
}

const EXPECTED: Record<SourceType, string> = {
  pagerduty: '{"api_key", "allowed_hosts"[, "base_url"]}',
  incidentio: '{"api_key", "allowed_hosts"[, "base_url"]}',
  knowbe4: '{"api_key", "allowed_hosts"[, "base_url"]}',
  ics: '{"url", "allowed_hosts"}',
};

/** The secret's value for a source of this type, from the secret's text. */
export function parseSourceSecret<T extends SourceType>(type: T, name: string, text: string): SourceSecrets[T] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text it failed on.
    throw new SourceSecretError(`secret ${name} is not JSON; expected ${EXPECTED[type]}`);
  }
  const schema = type === 'ics' ? feedSecret : apiKeySecret;
  const result = schema.safeParse(parsed);
  if (!result.success) {
    // Issue codes and our own messages only: zod's default messages may quote the input.
    const problems = result.error.issues.map(
      (issue) => `${formatPath(issue.path)}: ${issue.code === 'custom' || issue.code === 'too_small' || issue.code === 'too_big' ? issue.message : issue.code}`,
    );
    throw new SourceSecretError(`secret ${name} is malformed (${problems.join(', ')}); expected ${EXPECTED[type]}`);
  }
  return result.data as SourceSecrets[T];
}
