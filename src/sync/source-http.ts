/**
 * The one way a source fetcher talks HTTP: every URL's host (redirects and pagination links
 * included) must be in the secret's `allowed_hosts` before anything is sent; one client talks to
 * one origin (scheme, host and port: that of its first request), and its headers, the credential
 * among them, never go to another; bodies are read up to a bound; each attempt, its body
 * included, ends on a timer it owns; 429 and 5xx are retried with backoff, honouring
 * `Retry-After`, within the deadline; 401/403, other statuses and network errors fail the run.
 * Messages name the host and status, never the credential, the path or query (an ICS feed's
 * token) or a response body.
 */

import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError } from '../kernel/errors';
import { httpsOrLoopback } from '../kernel/https-or-loopback';
import { networkErrorCode } from '../kernel/network-error';
import { timedCall } from '../kernel/timed-call';
import { SourceFetchError } from './sync-result';

export type FetchFunction = (input: URL, init: RequestInit) => Promise<Response>;

export interface SourceHttpOptions {
  deadline: Deadline;
  allowedHosts: readonly string[];
  /**
   * Sent with every request to the origin of the first one (the credential among them), never
   * after a redirect to another origin.
   */
  headers: Record<string, string>;
  /**
   * Whether a redirect to another origin (an allowed host still) is followed, without the
   * headers: for a feed whose credential is its own URL, which may redirect to a CDN. Otherwise
   * such a redirect fails the run: an API answering without the credential is not the API.
   */
  crossOriginRedirects?: boolean;
  fetch?: FetchFunction;
  /** How long to wait; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Largest response body read, in bytes. */
  maxBodyBytes?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Longest single wait for a retry; a longer Retry-After fails the run as rate limited. */
  maxRetryWaitMs?: number;
  /** Longest single attempt: the request, its redirects and its body. */
  maxCallMs?: number;
}

export type Body = { kind: 'body'; text: string } | { kind: 'too_large' };

/** An answer other than 2xx (and not a redirect followed), its body already discarded. */
interface StatusAnswer {
  kind: 'status';
  status: number;
  headers: Headers;
  where: string;
}

const MAX_REDIRECTS = 3;
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The host, for messages: never the path or query, which may carry a token (a feed URL's often does). */
export function describeUrl(url: URL): string {
  return url.host;
}

export class SourceHttp {
  /** Requests sent, retries included. */
  requests = 0;
  /** The first request's origin: the only one this client sends its headers to, or requests at all. */
  private origin: URL | undefined;
  private readonly fetch: FetchFunction;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SourceHttpOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** A connector's client for one run: the run's deadline, fetch, sleep and body bound, the secret's hosts, the API's headers. */
  static forRun(
    run: Pick<SourceHttpOptions, 'deadline' | 'fetch' | 'sleep' | 'maxBodyBytes'>,
    allowedHosts: readonly string[],
    headers: Record<string, string>,
    redirects: Pick<SourceHttpOptions, 'crossOriginRedirects'> = {},
  ): SourceHttp {
    return new SourceHttp({ deadline: run.deadline, allowedHosts, headers, fetch: run.fetch, sleep: run.sleep, maxBodyBytes: run.maxBodyBytes, ...redirects });
  }

  /** Throws unless the URL may be asked at all: https (http only to loopback) and an allowed host. `get` also holds it to the run's origin. */
  checkUrl(url: URL): void {
    const host = url.hostname.toLowerCase();
    if (!httpsOrLoopback(url)) {
      throw new SourceFetchError('host_not_allowed', `${url.protocol} is not allowed for ${url.host} (https only, plain http for localhost)`);
    }
    if (!this.options.allowedHosts.includes(host)) {
      throw new SourceFetchError('host_not_allowed', `host ${host} is not in the secret's allowed_hosts; nothing was sent to it`);
    }
  }

  /**
   * The body of a 2xx answer to GET `url`, or `too_large`; throws SourceFetchError for everything
   * else. The first URL asked for fixes the client's origin: a later URL of another origin (a
   * pagination link elsewhere, another port of the same host) fails the run unsent.
   */
  async get(url: URL): Promise<Body> {
    this.checkUrl(url);
    this.checkOrigin(url);
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.attempt(url);
      if (answer.kind !== 'status') return answer;
      await this.sleep(this.waitBeforeRetry(answer, attempt));
    }
  }

  /** How long to wait before asking again after this answer; throws when it is not asked again. */
  private waitBeforeRetry(answer: StatusAnswer, attempt: number): number {
    const { maxAttempts = 4, maxRetryWaitMs = 60_000 } = this.options;
    const { where, status } = answer;
    if (status === 401) throw new SourceFetchError('unauthorized', `${where} answered HTTP 401 (the credential was refused)`);
    if (status === 403) throw new SourceFetchError('forbidden', `${where} answered HTTP 403 (the credential may not read this)`);
    const retryable = status === 429 || status >= 500;
    if (!retryable) throw new SourceFetchError('http_status', `${where} answered HTTP ${status}`);
    const reason = status === 429 ? 'rate_limited' : 'http_status';
    if (attempt >= maxAttempts) throw new SourceFetchError(reason, `${where} answered HTTP ${status} ${attempt} times`);
    const waitMs = retryWaitMs(answer.headers, attempt);
    // Waiting past the deadline (or an absurd Retry-After) would only end in a timeout.
    if (waitMs > maxRetryWaitMs || waitMs >= this.options.deadline.remainingMs()) {
      throw new SourceFetchError(reason, `${where} answered HTTP ${status}; retrying after ${Math.ceil(waitMs / 1000)} s would pass the deadline`);
    }
    return waitMs;
  }

  private checkOrigin(url: URL): void {
    this.origin ??= new URL(url.origin);
    if (url.origin !== this.origin.origin) {
      throw new SourceFetchError('host_not_allowed', `${url.host} is not the origin this run started at (${this.origin.host}); nothing was sent to it`);
    }
  }

  /**
   * One attempt, redirects and body included, under one timer it owns: a timeout anywhere in it,
   * in the middle of a body too, is `deadline_exceeded`.
   */
  private async attempt(url: URL): Promise<Body | StatusAnswer> {
    try {
      return await timedCall(this.options.deadline, `reading from ${describeUrl(url)}`, this.options.maxCallMs ?? 10_000, async (signal) => {
        const response = await this.send(url, signal);
        if (response.ok) return this.read(response);
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'status', status: response.status, headers: response.headers, where: describeUrl(new URL(response.url || url.href)) };
      });
    } catch (error) {
      if (error instanceof DeadlineExceededError) throw new SourceFetchError('deadline_exceeded', error.message);
      throw error;
    }
  }

  /**
   * One request, following up to three redirects, each to an allowed host. The headers go only
   * with requests to the first URL's origin: a redirect to another origin is refused, or (when
   * the client allows it) followed without them, and they are not sent again after it.
   */
  private async send(first: URL, signal: AbortSignal): Promise<Response> {
    let url = first;
    let headers = this.options.headers;
    for (let hop = 0; ; hop += 1) {
      const response = await this.request(url, headers, signal);
      if (response.status < 300 || response.status >= 400) return response;
      await response.body?.cancel().catch(() => undefined);
      const next = redirectTarget(url, response, hop);
      if (next.origin !== url.origin) {
        if (!this.options.crossOriginRedirects) {
          throw new SourceFetchError(
            'host_not_allowed',
            `${describeUrl(url)} redirected to ${describeUrl(next)}, another origin; the credential goes only to ${describeUrl(first)}, so the redirect was not followed`,
          );
        }
        headers = {};
      }
      url = next;
    }
  }

  /** One GET, redirects not followed, to an allowed host; a connection that fails is `network`. */
  private async request(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    this.checkUrl(url);
    this.requests += 1;
    try {
      return await this.fetch(url, { method: 'GET', headers, redirect: 'manual', signal });
    } catch (error) {
      const code = networkErrorCode(error);
      throw new SourceFetchError('network', `${describeUrl(url)} could not be reached${code ? ` (${code})` : ''}`);
    }
  }

  /** The body as text, read only up to the bound. */
  private async read(response: Response): Promise<Body> {
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'too_large' };
    }
    if (!response.body) return { kind: 'body', text: '' };
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => undefined);
          return { kind: 'too_large' };
        }
        chunks.push(value);
      }
    } catch {
      // A timeout in the middle of the body is not this: the attempt's timer reports it as deadline_exceeded.
      throw new SourceFetchError('network', 'the response was cut off');
    }
    return { kind: 'body', text: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)) };
  }
}

/** Where a redirect answer points, when it may be followed: it names a URL, within the redirects allowed. */
function redirectTarget(url: URL, response: Response, hop: number): URL {
  const location = response.headers.get('location');
  if (location === null || hop >= MAX_REDIRECTS)
    throw new SourceFetchError('http_status', `${describeUrl(url)} answered HTTP ${response.status} (redirect not followed)`);
  try {
    return new URL(location, url);
  } catch {
    throw new SourceFetchError('http_status', `${describeUrl(url)} redirected to a URL that does not parse`);
  }
}

/**
 * `Retry-After` (seconds or an HTTP date), else PagerDuty's `ratelimit-reset` (seconds), else
 * exponential backoff from one second.
 */
export function retryWaitMs(headers: Headers, attempt: number, now: number = Date.now()): number {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d{1,6}$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d{1,6}$/.test(reset)) return Number(reset) * 1000;
  return 1000 * 2 ** (attempt - 1);
}

/** `path` under the API's base URL (which may carry a path prefix of its own). */
export function apiUrl(base: string, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);
}
