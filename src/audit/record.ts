/**
 * The audit item of one webhook call: what it decided and why, written once per call through
 * src/audit/writer.ts. Lives below the services and the store, which both speak of it.
 */
import type { CallContext } from '../kernel/call';
import type { Deadline } from '../kernel/deadline';
import type { FailureReason } from '../kernel/errors';
import type { ParsedRequest, WebhookKind } from '../lumos/payload';
import type { LumosResponse, ReplyOutcome } from '../lumos/replies';
import type { RuleTrace } from '../rules/trace';
import type { OmittedFacts, RecordedFacts } from './recorded-facts';

/** What the ledger's own jobs record and count as their kind, beside the webhook kinds: the sweeper, and a removal resolved by hand. */
export const JOB_KINDS = ['expiry_sweeper', 'grant_resolved'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type PermissionStatus = 'granted' | 'already_granted' | 'hold_added' | 'removed' | 'hold_released' | 'not_granted' | 'no_rule' | 'failed';

export interface PermissionResult {
  permission: string;
  status: PermissionStatus;
  rule_id?: string;
  provisioner?: string;
  /** For `failed` and `no_rule`: why, naming the target system; for the others: what happened. */
  detail: string;
  /** `failed` only, when the work could not run for a cause of ours (the store, the deadline) rather than the target's: counted as that, not as a target failure. */
  reason?: FailureReason;
}

/** What a ledger job did to one grant: the sweeper's removal (or its failure), a removal resolved by hand. */
export type JobDecision = 'REMOVED' | 'REMOVAL_FAILED' | 'RESOLVED';

/** An audit item's `decision`: what Lumos was told, `failure` when the check could not run, or what a ledger job did. */
export type AuditDecision = ReplyOutcome | 'failure' | JobDecision;

/** What one webhook call decided and why (docs/operations.md, "What an audit item holds"). */
export interface AuditRecord {
  /** The webhook called, or the ledger job that acted (the expiry sweeper, a removal resolved by hand). */
  kind: WebhookKind | JobKind;
  app_id: string;
  subject: string | null;
  requester: string | null;
  permissions: string[];
  /** Lumos's `response` value (what a 204 stands for), `failure` when the check could not run, or a job's. */
  decision: AuditDecision;
  /** What Lumos was answered when the decision is `failure` (the kind's safe reply, or a fail-open pass); request validation always records it. */
  response?: LumosResponse;
  /** The HTTP status Lumos was answered; none for a job, which answers nobody. */
  status_code?: number;
  reason: string;
  rule_id?: string;
  /** The message shown to the requester, or sent to Lumos, when one was. */
  message?: string;
  /** Provisioning and deprovisioning: what happened to each permission. */
  results?: PermissionResult[];
  trace: RuleTrace[];
  /** What the decision was made from, when rules decided it (src/audit/recorded-facts.ts). */
  facts?: RecordedFacts | OmittedFacts;
  latency_ms: number;
  /** A job done by hand: who did it (`lumos-state resolve --by`). */
  actor?: string;
  request_task_url?: string | null;
  request_id: string;
}

export interface AuditSink {
  record(record: AuditRecord, at: Date, deadline: Deadline): Promise<void>;
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
