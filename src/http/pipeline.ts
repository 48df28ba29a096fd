/**
 * One pipeline for every kind: method → size → base64 → credential → JSON → schema → service.
 * This is the one place where errors become replies: whatever fails, Lumos gets the kind's
 * safe answer (for pre-approval NOT_PREAPPROVED), never a stack trace or error text.
 */
import { parsePayload, undocumentedPermissionTags, type ParsedRequest, type WebhookKind } from '../lumos/payload';
import { MAX_BODY_BYTES, replies, type Reply } from '../lumos/replies';
import { Deadline } from '../runtime/deadline';
import {
  AuditWriteError,
  ConfigError,
  DeadlineExceededError,
  StoreUnavailableError,
  TokenSourceError,
} from '../runtime/errors';
import { logger } from '../runtime/logger';
import type { AuditRecord, AuditSink } from '../store/audit-sink';
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

export interface CallContext {
  requestId: string;
  deadline: Deadline;
  /** Epoch ms when the call arrived, for the audit's latency. */
  receivedAt: number;
}

export interface KindService {
  readonly kind: WebhookKind;
  handle(request: ParsedRequest, call: CallContext): Promise<Reply>;
  /** The answer when an authenticated call's check could not run; default: the kind's safe reply. */
  failureReply?(reason: string): Reply;
}

export interface PipelineOptions {
  tokens: TokenSource;
  authHeader: string;
  deadlineMs: number;
  audit: AuditSink;
}

export type Pipeline = (request: WebhookRequest) => Promise<Reply>;

/** Short, fixed words for logs and the reply's `reason`: never an error's own text. */
export function failureReason(error: unknown): string {
  if (error instanceof DeadlineExceededError) return 'deadline_exceeded';
  if (error instanceof StoreUnavailableError) return 'store_unavailable';
  if (error instanceof AuditWriteError) return 'audit_unavailable';
  if (error instanceof TokenSourceError) return 'credential_store_unavailable';
  if (error instanceof ConfigError) return 'misconfigured';
  return 'internal_error';
}

export function createPipeline(service: KindService, options: PipelineOptions): Pipeline {
  const { kind } = service;

  async function authorised(request: WebhookRequest, deadline: Deadline): Promise<boolean> {
    const token = extractToken(request.headers, options.authHeader);
    if (token === null) {
      logger.warn('webhook call without a credential', { kind, header: options.authHeader, request_id: request.requestId });
      return false;
    }
    if (matchesAnyToken(token, await options.tokens.tokens(deadline))) return true;
    if (matchesAnyToken(token, await options.tokens.tokens(deadline, { afterMismatch: true }))) return true;
    logger.warn('webhook call with a wrong credential', { kind, header: options.authHeader, request_id: request.requestId });
    return false;
  }

  async function recordFailure(parsed: ParsedRequest, call: CallContext, reply: Reply, reason: string): Promise<void> {
    const record: AuditRecord = {
      ...auditBase(kind, parsed, call),
      decision: 'failure',
      ...(typeof reply.body?.response === 'string' ? { response: reply.body.response } : {}),
      status_code: reply.statusCode,
      reason,
      trace: [],
      latency_ms: Date.now() - call.receivedAt,
    };
    try {
      await options.audit.record(record, new Date(), call.deadline);
    } catch (error) {
      logger.error('audit item for a failed call could not be written', { kind, reason: failureReason(error) });
    }
  }

  return async function run(request: WebhookRequest): Promise<Reply> {
    const receivedAt = Date.now();
    const deadline = Deadline.forInvocation(options.deadlineMs, request.remainingMs);
    const call: CallContext = { requestId: request.requestId, deadline, receivedAt };
    if (request.method.toUpperCase() !== 'POST') return replies.methodNotAllowed();

    const body = decodeBody(request);
    if (body === 'too_large') return replies.payloadTooLarge();

    let parsed: ParsedRequest | undefined;
    let authenticated = false;
    try {
      if (!(await authorised(request, deadline))) return replies.unauthorized();
      authenticated = true;

      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return replies.invalidJson(kind, 'the body is not valid JSON');
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return replies.invalidJson(kind, 'the body must be a JSON object');
      }
      const outcome = safeParsePayload(json, kind);
      if (!outcome.ok) {
        logger.warn('payload rejected', { kind, request_id: request.requestId, issues: outcome.issues });
        return replies.invalidPayload(kind, outcome.issues);
      }
      parsed = outcome.request;
      const tags = undocumentedPermissionTags(parsed.payload);
      if (tags.length > 0) logger.info('permission tags Lumos does not document', { kind, tags });

      const reply = await service.handle(parsed, call);
      logger.info('webhook answered', {
        kind,
        request_id: request.requestId,
        app_id: parsed.payload.application.app_id,
        status: reply.statusCode,
        response: reply.body?.response,
        latency_ms: Date.now() - receivedAt,
      });
      return reply;
    } catch (error) {
      const reason = failureReason(error);
      logger.error('webhook call failed; answering the safe reply', { kind, request_id: request.requestId, reason, error: errorForLog(error) });
      // A fail-open setting applies only to a valid, authenticated call; strangers get no reason.
      const reply = parsed && service.failureReply ? service.failureReply(reason) : replies.failure(kind, authenticated ? reason : undefined);
      if (parsed) await recordFailure(parsed, call, reply, reason);
      return reply;
    }
  };
}

/** The fields every audit item of a parsed call shares. */
export function auditBase(kind: WebhookKind, { payload, subject }: ParsedRequest, call: CallContext) {
  return {
    kind,
    app_id: payload.application.app_id,
    subject,
    requester: payload.requester_user?.email ?? null,
    permissions: payload.permissions.map((permission) => permission.value),
    request_task_url: payload.request_task_url ?? null,
    request_id: call.requestId,
  };
}

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
