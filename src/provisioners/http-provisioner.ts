/**
 * The `http` provisioner: one request to an internal or SaaS API per grant or removal. The
 * credential goes only to hosts its own secret allows, redirects are never followed (they
 * would carry it elsewhere), and messages name the system and status, never the secret or
 * the response body.
 */

import type { Deadline } from '../kernel/deadline';
import { DeadlineExceededError } from '../kernel/errors';
import { httpsOrLoopback } from '../kernel/https-or-loopback';
import { networkErrorCode } from '../kernel/network-error';
import { timedCall } from '../kernel/timed-call';
import type { ConnectorSecret, HttpProvisionerSpec, HttpRequestSpec } from '../rules/http-spec';
import { ConnectorSecretError, type ConnectorSecrets } from './connector-secrets';
import type { Entitlement } from './entitlement';
import type { ProvisionerOutcome } from './provisioner';
import { renderHeader, renderJson, renderUrl } from './templates';

export const DEFAULT_MAX_CALL_MS = 5_000;

/** Connection errors that happen before any byte of the request leaves: the target cannot have acted. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class HttpProvisioner {
  private readonly maxCallMs: number;

  constructor(
    private readonly secrets: ConnectorSecrets,
    options: { maxCallMs?: number } = {},
  ) {
    this.maxCallMs = options.maxCallMs ?? DEFAULT_MAX_CALL_MS;
  }

  provision(spec: HttpProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome> {
    return this.send(spec, spec.provision, entitlement, deadline);
  }

  deprovision(spec: HttpProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome> {
    return this.send(spec, spec.deprovision, entitlement, deadline);
  }

  private async send(spec: HttpProvisionerSpec, request: HttpRequestSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome> {
    const system = systemName(spec);
    // Before the secret is read or anything is sent: a refused value never reaches the target.
    const url = requestUrl(request, entitlement);
    if (typeof url === 'string') return failed(system, url);
    const host = url.hostname.toLowerCase();

    const secret = await this.readSecret(spec.secret, deadline);
    if (typeof secret === 'string') return failed(system, secret);
    if (!secret.allowed_hosts.includes(host)) {
      return failed(system, `host ${host} is not allowed by secret ${spec.secret}`);
    }

    const headers = buildHeaders(request, entitlement, secret, spec.secret);
    if (typeof headers === 'string') return failed(system, headers);
    return this.call(system, url, request, headers, entitlement, deadline);
  }

  /** The connector secret, or why it cannot be used; running out of time still throws. */
  private async readSecret(name: string, deadline: Deadline): Promise<ConnectorSecret | string> {
    try {
      return await this.secrets.get(name, deadline);
    } catch (error) {
      if (error instanceof DeadlineExceededError) throw error;
      return error instanceof ConnectorSecretError ? error.message : `credential ${name} could not be read`;
    }
  }

  /** Sends the request: what its status says, or whether a call that got no status may have been carried out. */
  private async call(
    system: string,
    url: URL,
    request: HttpRequestSpec,
    headers: Headers,
    entitlement: Entitlement,
    deadline: Deadline,
  ): Promise<ProvisionerOutcome> {
    const limitMs = Math.min(this.maxCallMs, deadline.remainingMs());
    let sent = false;
    let status: number;
    try {
      status = await timedCall(deadline, `calling ${system}`, this.maxCallMs, async (signal) => {
        sent = true;
        const response = await fetch(url, {
          method: request.method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(renderJson(request.body, entitlement)),
          redirect: 'manual',
          signal,
        });
        // The body is never read: it may echo the request or hold details not meant for Lumos.
        await response.body?.cancel().catch(() => undefined);
        return response.status;
      });
    } catch (error) {
      // No time was left before anything was sent: the caller fails the permission.
      if (!sent) throw error;
      return unansweredCall(system, error, limitMs);
    }

    if (status >= 200 && status < 300) return { ok: true };
    if (status >= 300 && status < 400) return failed(system, `answered HTTP ${status} (a redirect; redirects are not followed)`);
    return failed(system, `answered HTTP ${status}`);
  }
}

function failed(system: string, detail: string): ProvisionerOutcome {
  return { ok: false, message: `${system}: ${detail}` };
}

function unsure(system: string, detail: string): ProvisionerOutcome {
  return { ok: false, message: `${system}: ${detail}`, maybeApplied: true };
}

/** The URL the request goes to, or why it is not sent there (the rule's template, the scheme, a GET with a body). */
function requestUrl(request: HttpRequestSpec, entitlement: Entitlement): URL | string {
  const rendered = renderUrl(request.url, entitlement);
  if (!rendered.ok) return `${rendered.problem}; the request was not sent`;
  let url: URL;
  try {
    url = new URL(rendered.url);
  } catch {
    return "the rule's URL template does not give a valid URL";
  }
  // The rule schema checks this too; repeated because this is where the credential leaves.
  if (!httpsOrLoopback(url)) {
    return `${url.protocol} is not allowed (https only, plain http for localhost)`;
  }
  if (request.body !== undefined && request.method === 'GET') {
    return 'a GET request cannot carry a body; remove "body" from the rule';
  }
  return url;
}

/** A sent request that got no answer. It may have arrived and been carried out; only a refused or unresolved connection proves it was not. */
function unansweredCall(system: string, error: unknown, limitMs: number): ProvisionerOutcome {
  if (error instanceof DeadlineExceededError) return unsure(system, `did not answer within ${seconds(limitMs)}`);
  const code = networkErrorCode(error);
  const message = code ? `could not be reached (${code})` : 'could not be reached';
  return code !== undefined && NOT_SENT_CODES.has(code) ? failed(system, message) : unsure(system, message);
}

/** The rule's name, else the provision URL's host (fixed text in the template). */
function systemName(spec: HttpProvisionerSpec): string {
  if (spec.name) return spec.name;
  return /^https?:\/\/([^/\\?#]+)/i.exec(spec.provision.url)?.[1]?.toLowerCase() ?? 'the target system';
}

/**
 * JSON content type when there is a body, then the rule's headers, then the credential, which
 * wins over a rule header of the same name. Returns the problem as text when a header cannot be
 * sent (fetch would name the offending value in its error).
 */
function buildHeaders(request: HttpRequestSpec, entitlement: Entitlement, secret: ConnectorSecret, secretName: string): Headers | string {
  const headers = new Headers();
  if (request.body !== undefined) headers.set('content-type', 'application/json');
  for (const [name, template] of Object.entries(request.headers ?? {})) {
    try {
      headers.set(name, renderHeader(template, entitlement));
    } catch {
      return `header ${JSON.stringify(name)} cannot be sent (an invalid name, or a character outside Latin-1)`;
    }
  }
  try {
    headers.set(secret.header, secret.value);
  } catch {
    return `credential ${secretName} holds a header that cannot be sent`;
  }
  return headers;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
