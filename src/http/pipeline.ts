/**
 * One pipeline for every kind: method → size → base64 → credential → JSON → schema → service.
 * This is the one place where errors become replies: whatever fails, Lumos gets the kind's
 * safe answer (for pre-approval NOT_PREAPPROVED), never a stack trace or error text. It sees
 * every call, so it also logs every refusal and counts refusals, failures and decisions.
 */

import { metrics as containerMetrics, type Metrics, type RefusalReason } from '../audit/call-metrics';
import type { AuditSink } from '../audit/record';
import { auditCall } from '../audit/writer';
import type { CallContext } from '../kernel/call';
import { Deadline } from '../kernel/deadline';
import { failureReason } from '../kernel/errors';
import { logger } from '../kernel/logger';
import { type ParsedRequest, type ParseOutcome, parsePayload, undocumentedPermissionTags, type WebhookKind } from '../lumos/payload';
import { DONE_OUTCOME, MAX_BODY_BYTES, type Reply, type ReplyOutcome, replies } from '../lumos/replies';
import type { KindService } from '../services/kind-service';
import { extractToken, matchesAnyToken } from './auth';
import type { TokenSource } from './token-source';

export interface WebhookRequest {
  method: string;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string | null;
  isBase64Encoded: boolean;
  requestId: string;
  /** What Lambda has left, when known. */
  remainingMs?: number;
}

export interface PipelineOptions {
  tokens: TokenSource;
  authHeader: string;
  deadlineMs: number;
  audit: AuditSink;
  /** Default: the container's EMF metrics on stdout. */
  metrics?: Metrics;
  /** The deployment's clock; each call reads it once, on arrival. Default: the system clock. */
  now?: () => Date;
}

export type Pipeline = (request: WebhookRequest) => Promise<Reply>;

/** What Lumos was told: the reply's `response`, else what a 204 stands for (a metric dimension). */
export function replyOutcome(kind: WebhookKind, reply: Reply): ReplyOutcome | 'other' {
  const response = reply.body?.response;
  if (response !== undefined) return response;
  if (reply.statusCode === 204) return kind === 'deprovisioning' ? DONE_OUTCOME.deprovisioning : DONE_OUTCOME.provisioning;
  return 'other';
}

export function createPipeline(service: KindService, options: PipelineOptions): Pipeline {
  const { kind } = service;
  const metrics = options.metrics ?? containerMetrics;
  const now = options.now ?? (() => new Date());

  /** `missing` and `wrong` are told apart in the log line only; the caller gets one 401 either way. */
  async function credential(request: WebhookRequest, deadline: Deadline): Promise<'ok' | 'missing' | 'wrong'> {
    const token = extractToken(request.headers, options.authHeader);
    if (token === null) return 'missing';
    if (matchesAnyToken(token, await options.tokens.tokens(deadline))) return 'ok';
    if (matchesAnyToken(token, await options.tokens.tokens(deadline, { afterMismatch: true }))) return 'ok';
    return 'wrong';
  }

  /**
   * Every refused call: one WARN line with status and reason (never the body, a header value or
   * the token) and one `Refused` count. Lumos never retries, so this line is how an admin finds
   * out that a call went nowhere.
   */
  function refuse(request: WebhookRequest, reply: Reply, reason: RefusalReason, fields: Record<string, unknown> = {}, message = 'webhook call refused'): Reply {
    logger.warn(message, { kind, request_id: request.requestId, status: reply.statusCode, reason, ...fields });
    metrics.count('Refused', { kind, reason });
    return reply;
  }

  function answered(reply: Reply): Reply {
    metrics.count('Decisions', { kind, outcome: replyOutcome(kind, reply) });
    return reply;
  }

  function refuseCredential(request: WebhookRequest, presented: 'missing' | 'wrong'): Reply {
    const message = presented === 'missing' ? 'webhook call without a credential' : 'webhook call with a wrong credential';
    return refuse(request, replies.unauthorized(), 'unauthorized', { header: options.authHeader }, message);
  }

  /** JSON, then the payload schema: the parsed request, or the refusal (400 or 422) Lumos gets. */
  function readPayload(request: WebhookRequest, body: string): PayloadRead {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, refusal: refuse(request, replies.invalidJson(kind, 'the body is not valid JSON'), 'invalid_json', { problem: 'not valid JSON' }) };
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return {
        ok: false,
        refusal: refuse(request, replies.invalidJson(kind, 'the body must be a JSON object'), 'invalid_json', { problem: 'not a JSON object' }),
      };
    }
    const outcome = safeParsePayload(json, kind);
    if (!outcome.ok) {
      // The issues the 422 reply carries: field paths and the schema's messages, no field's value.
      return { ok: false, refusal: refuse(request, replies.invalidPayload(kind, outcome.issues), 'invalid_payload', { issues: outcome.issues }) };
    }
    return outcome;
  }

  /** What a valid payload held that the call goes on without, or that Lumos does not document. */
  function logPayloadNotes(request: WebhookRequest, read: ParsedPayload): void {
    // Deprovisioning goes on without fields it cannot use; paths and the schema's words only, no value.
    if (read.ignored.length > 0) logger.warn('payload fields ignored', { kind, request_id: request.requestId, ignored: read.ignored });
    const tags = undocumentedPermissionTags(read.request.payload);
    if (tags.length > 0) logger.info('permission tags Lumos does not document', { kind, tags });
  }

  function logAnswered(request: WebhookRequest, parsed: ParsedRequest, reply: Reply, receivedAt: number): void {
    logger.info('webhook answered', {
      kind,
      request_id: request.requestId,
      app_id: parsed.payload.application.app_id,
      status: reply.statusCode,
      response: reply.body?.response,
      latency_ms: Date.now() - receivedAt,
    });
  }

  /** Whatever threw: logged and counted, the kind's safe reply, audited when the call was valid. */
  async function failed(request: WebhookRequest, call: CallContext, error: unknown, parsed: ParsedRequest | undefined, authenticated: boolean): Promise<Reply> {
    const reason = failureReason(error);
    logger.error('webhook call failed; answering the safe reply', { kind, request_id: request.requestId, reason, error: errorForLog(error) });
    metrics.count('Failures', { kind, reason });
    // A fail-open setting applies only to a valid, authenticated call; strangers get no reason.
    const reply = parsed && service.failureReply ? service.failureReply(reason) : replies.failure(kind, authenticated ? reason : undefined);
    const sent = parsed
      ? await auditCall(options.audit, kind, parsed, call, reply, {
          decision: 'failure',
          response: reply.body.response,
          reason,
          trace: [],
        })
      : reply;
    return answered(sent);
  }

  return async function run(request: WebhookRequest): Promise<Reply> {
    const receivedAt = Date.now();
    // On the container's clock, as the ledger's marks are: a mark ends at that clock's now plus what the deadline leaves.
    const deadline = Deadline.forInvocation(options.deadlineMs, request.remainingMs, () => now().getTime());
    const call: CallContext = { requestId: request.requestId, deadline, at: now(), receivedAt };
    if (request.method.toUpperCase() !== 'POST') return refuse(request, replies.methodNotAllowed(), 'method_not_allowed');

    const body = decodeBody(request);
    if (body === 'too_large') return refuse(request, replies.payloadTooLarge(), 'payload_too_large');

    let parsed: ParsedRequest | undefined;
    let authenticated = false;
    try {
      const presented = await credential(request, deadline);
      if (presented !== 'ok') return refuseCredential(request, presented);
      authenticated = true;

      const read = readPayload(request, body);
      if (!read.ok) return read.refusal;
      parsed = read.request;
      logPayloadNotes(request, read);

      const reply = await service.handle(parsed, call);
      logAnswered(request, parsed, reply, receivedAt);
      return answered(reply);
    } catch (error) {
      return failed(request, call, error, parsed, authenticated);
    }
  };
}

/** A payload read: the parse outcome as the schema gave it, or the reply that refused the call. */
type PayloadRead = ParsedPayload | { ok: false; refusal: Reply };
type ParsedPayload = Extract<ParseOutcome, { ok: true }>;

/** The schema never throws on input, but whatever a body holds must end in a 422, never a crash. */
function safeParsePayload(json: object, kind: WebhookKind): ReturnType<typeof parsePayload> {
  try {
    return parsePayload(json, kind);
  } catch {
    return { ok: false, issues: [{ path: '(root)', message: 'the payload could not be read' }] };
  }
}

function decodeBody(request: WebhookRequest): string | 'too_large' {
  const raw = request.body ?? '';
  if (!request.isBase64Encoded) return Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES ? 'too_large' : raw;
  // Reject on the encoded size first so a huge body is never decoded.
  if (raw.length > Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4) return 'too_large';
  const decoded = Buffer.from(raw, 'base64');
  return decoded.byteLength > MAX_BODY_BYTES ? 'too_large' : decoded.toString('utf8');
}

/** Name, message and stack (ours and the SDK's carry no secrets or header values), and the cause's name and message. */
function errorForLog(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const cause = error.cause instanceof Error ? { cause_name: error.cause.name, cause_message: error.cause.message } : {};
  return { name: error.name, message: error.message, ...cause, stack: error.stack };
}
