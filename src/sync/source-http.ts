/**
 * The one way a source fetcher talks HTTP: every URL's host (redirects and pagination links
 * included) must be in the secret's `allowed_hosts` before anything is sent; bodies are read up
 * to a bound; 429 and 5xx are retried with backoff, honouring `Retry-After`, within the deadline;
 * 401/403, other statuses and network errors fail the run. Messages name the host and status,
 * never the credential, the path or query (an ICS feed's token) or a response body.
 */

import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError } from '../kernel/errors';
import { networkErrorCode } from '../kernel/network-error';
import { SourceFetchError } from './sync-result';

export type FetchFunction = (input: URL, init: RequestInit) => Promise<Response>;

export interface SourceHttpOptions {
  deadline: Deadline;
  allowedHosts: readonly string[];
  /** Sent with every request (the credential among them). */
  headers: Record<string, string>;
  fetch?: FetchFunction;
  /** How long to wait; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Largest response body read, in bytes. */
  maxBodyBytes?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Longest single wait for a retry; a longer Retry-After fails the run as rate limited. */
  maxRetryWaitMs?: number;
  /** Longest single request. */
  maxCallMs?: number;
}

export type Body = { kind: 'body'; text: string } | { kind: 'too_large' };

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
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
  ): SourceHttp {
    return new SourceHttp({ deadline: run.deadline, allowedHosts, headers, fetch: run.fetch, sleep: run.sleep, maxBodyBytes: run.maxBodyBytes });
  }

  /** Throws unless the URL may be sent the credential: https (http only to loopback) and an allowed host. */
  checkUrl(url: URL): void {
    const host = url.hostname.toLowerCase();
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.includes(host))) {
      throw new SourceFetchError('host_not_allowed', `${url.protocol} is not allowed for ${url.host} (https only, plain http for localhost)`);
    }
    if (!this.options.allowedHosts.includes(host)) {
      throw new SourceFetchError('host_not_allowed', `host ${host} is not in the secret's allowed_hosts; nothing was sent to it`);
    }
  }

  /** The body of a 2xx answer to GET `url`, or `too_large`; throws SourceFetchError for everything else. */
  async get(url: URL): Promise<Body> {
    const { maxAttempts = 4, maxRetryWaitMs = 60_000 } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.send(url);
      if (response.ok) return this.read(response);
      await response.body?.cancel().catch(() => undefined);
      const where = describeUrl(new URL(response.url || url.href));
      if (response.status === 401) throw new SourceFetchError('unauthorized', `${where} answered HTTP 401 (the credential was refused)`);
      if (response.status === 403) throw new SourceFetchError('forbidden', `${where} answered HTTP 403 (the credential may not read this)`);
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) throw new SourceFetchError('http_status', `${where} answered HTTP ${response.status}`);
      const reason = response.status === 429 ? 'rate_limited' : 'http_status';
      if (attempt >= maxAttempts) throw new SourceFetchError(reason, `${where} answered HTTP ${response.status} ${attempt} times`);
      const waitMs = retryWaitMs(response.headers, attempt);
      // Waiting past the deadline (or an absurd Retry-After) would only end in a timeout.
      if (waitMs > maxRetryWaitMs || waitMs >= this.options.deadline.remainingMs()) {
        throw new SourceFetchError(reason, `${where} answered HTTP ${response.status}; retrying after ${Math.ceil(waitMs / 1000)} s would pass the deadline`);
      }
      await this.sleep(waitMs);
    }
  }

  /** One request, following up to three redirects, each to an allowed host. */
  private async send(first: URL): Promise<Response> {
    let url = first;
    for (let hop = 0; ; hop += 1) {
      this.checkUrl(url);
      let signal: AbortSignal;
      try {
        signal = AbortSignal.any([this.options.deadline.signal(), AbortSignal.timeout(this.options.maxCallMs ?? 10_000)]);
      } catch (error) {
        if (error instanceof DeadlineExceededError) throw new SourceFetchError('deadline_exceeded', `deadline reached before calling ${describeUrl(url)}`);
        throw error;
      }
      let response: Response;
      this.requests += 1;
      try {
        response = await this.fetch(url, { method: 'GET', headers: this.options.headers, redirect: 'manual', signal });
      } catch (error) {
        if (signal.aborted) throw new SourceFetchError('deadline_exceeded', `${describeUrl(url)} did not answer in time`);
        const code = networkErrorCode(error);
        throw new SourceFetchError('network', `${describeUrl(url)} could not be reached${code ? ` (${code})` : ''}`);
      }
      if (response.status < 300 || response.status >= 400) return response;
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      if (location === null || hop >= MAX_REDIRECTS)
        throw new SourceFetchError('http_status', `${describeUrl(url)} answered HTTP ${response.status} (redirect not followed)`);
      try {
        url = new URL(location, url);
      } catch {
        throw new SourceFetchError('http_status', `${describeUrl(url)} redirected to a URL that does not parse`);
      }
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
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw new SourceFetchError('deadline_exceeded', 'the response did not arrive in time');
      throw new SourceFetchError('network', 'the response was cut off');
    }
    return { kind: 'body', text: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)) };
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
