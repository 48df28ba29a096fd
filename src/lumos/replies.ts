/**
 * Every reply value of the Lumos contract, in one place (docs/contract.md, "Replies per kind").
 * Values Lumos does not publish are marked *decided*: a correction from Lumos is a one-line
 * change here. Lumos reads only `response`; `reason` and `rule_id` are for people reading logs.
 *
 * | kind               | outcome                                  | HTTP | body                                                  | status     |
 * |--------------------|------------------------------------------|------|-------------------------------------------------------|------------|
 * | pre-approval       | pre-approved                             | 200  | {"response":"PREAPPROVED"}                            | documented |
 * | pre-approval       | not pre-approved, or internal failure    | 200  | {"response":"NOT_PREAPPROVED"}                        | documented values; fail-closed decided |
 * | request validation | may request                              | 200  | {"response":"VALIDATION_PASSED"}                      | decided    |
 * | request validation | blocked, or check could not run (closed) | 200  | {"response":"VALIDATION_FAILED","message":"..."}      | decided    |
 * | provisioning       | done (or already done)                   | 204  | empty                                                 | documented |
 * | provisioning       | no rule covers this app/permission       | 200  | {"response":"NO_PROVISIONING_ACTION","message":"..."} | seen in public handlers; unverified |
 * | provisioning       | target system failed                     | 502  | {"response":"PROVISIONING_FAILED","message":"..."}    | decided    |
 * | deprovisioning     | removed (or nothing to remove)           | 204  | empty                                                 | documented |
 * | deprovisioning     | target system failed                     | 502  | {"response":"DEPROVISIONING_FAILED","message":"..."}  | decided    |
 * | any                | missing or wrong credential              | 401  | {"error":"unauthorized"}                              | decided    |
 * | any                | body not JSON / not an object            | 400  | {"error":"invalid_json",...} (+ kind's negative)      | decided    |
 * | any                | payload fails the schema                 | 422  | {"error":"invalid_payload","issues":[...]} (+ kind's) | decided    |
 * | any                | body too large                           | 413  | {"error":"payload_too_large"}                         | decided    |
 * | any                | wrong method / path                      | 405/404 | {"error":...}                                      | decided    |
 */
import type { PayloadIssue, WebhookKind } from './payload';

export const LUMOS_RESPONSE = {
  PREAPPROVED: 'PREAPPROVED',
  NOT_PREAPPROVED: 'NOT_PREAPPROVED',
  VALIDATION_PASSED: 'VALIDATION_PASSED',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NO_PROVISIONING_ACTION: 'NO_PROVISIONING_ACTION',
  PROVISIONING_FAILED: 'PROVISIONING_FAILED',
  DEPROVISIONING_FAILED: 'DEPROVISIONING_FAILED',
} as const;
export type LumosResponse = (typeof LUMOS_RESPONSE)[keyof typeof LUMOS_RESPONSE];

/** What a 204 stands for where a word is needed (the audit item, the metrics, `lumos-rules test`): Lumos reads no body. */
export const DONE_OUTCOME = { provisioning: 'PROVISIONED', deprovisioning: 'DEPROVISIONED' } as const;
/** What Lumos was told: the reply's `response`, or what its 204 stands for. */
export type ReplyOutcome = LumosResponse | (typeof DONE_OUTCOME)[keyof typeof DONE_OUTCOME];

/** For people reading logs; Lumos ignores both. */
interface Detail {
  reason?: string;
  rule_id?: string;
}

type R = typeof LUMOS_RESPONSE;

/**
 * A body of one reply, marked as lacking whichever of the fields a reader looks for it does not
 * carry, so `reply.body?.response` (or `message`, `reason`, `rule_id`) reads on any reply, typed.
 */
type Body<B extends object> = B & { [key in Exclude<'response' | 'message' | 'reason' | 'rule_id', keyof B>]?: never };

export interface PreApprovalReply {
  statusCode: 200;
  body: Body<{ response: R['PREAPPROVED'] | R['NOT_PREAPPROVED'] } & Detail>;
}

export interface ValidationPassedReply {
  statusCode: 200;
  body: Body<{ response: R['VALIDATION_PASSED'] } & Detail>;
}
export interface ValidationFailedReply {
  statusCode: 200;
  body: Body<{ response: R['VALIDATION_FAILED']; message: string } & Detail>;
}
export type RequestValidationReply = ValidationPassedReply | ValidationFailedReply;

/** Provisioning or deprovisioning done: no body. */
export interface DoneReply {
  statusCode: 204;
  body?: undefined;
}
export interface NoProvisioningActionReply {
  statusCode: 200;
  body: Body<{ response: R['NO_PROVISIONING_ACTION']; message: string }>;
}
export interface ProvisioningFailedReply {
  statusCode: 502;
  body: Body<{ response: R['PROVISIONING_FAILED']; message: string }>;
}
export type ProvisioningReply = DoneReply | NoProvisioningActionReply | ProvisioningFailedReply;

export interface DeprovisioningFailedReply {
  statusCode: 502;
  body: Body<{ response: R['DEPROVISIONING_FAILED']; message: string }>;
}
export type DeprovisioningReply = DoneReply | DeprovisioningFailedReply;

/** Pre-approval and request validation must always carry a `response` Lumos can read, even for bad input. */
type KindNegative = { response?: R['NOT_PREAPPROVED'] | R['VALIDATION_FAILED']; message?: string };

/** The pipeline's refusals, before any kind's check ran. */
export type RefusalReply =
  | { statusCode: 401; body: Body<{ error: 'unauthorized' }> }
  | { statusCode: 413; body: Body<{ error: 'payload_too_large'; limit_bytes: number }> }
  | { statusCode: 405; body: Body<{ error: 'method_not_allowed'; allowed: 'POST' }> }
  | { statusCode: 404; body: Body<{ error: 'not_found' }> }
  | { statusCode: 400; body: Body<{ error: 'bad_request' }> }
  | { statusCode: 400; body: Body<{ error: 'invalid_json'; message: string } & KindNegative> }
  | { statusCode: 422; body: Body<{ error: 'invalid_payload'; issues: PayloadIssue[] } & KindNegative> };

/** The kind's answer when its check could not run: always the safe side, always with a `response`. */
export type FailureReply = PreApprovalReply | RequestValidationReply | ProvisioningFailedReply | DeprovisioningFailedReply;

/** Every reply the receiver sends. */
export type Reply = PreApprovalReply | RequestValidationReply | ProvisioningReply | DeprovisioningReply | RefusalReply;

/** Bodies larger than this get 413 (decided). */
export const MAX_BODY_BYTES = 256 * 1024;

/** Shown to a requester when request validation could not run and fails closed. */
export const VALIDATION_UNAVAILABLE_MESSAGE = 'This request could not be checked right now. Try again in a few minutes, or contact the admins of this app.';
/**
 * Shown when a requirement in scope is an invalid rule item: the check will not fix itself, so
 * the requester is sent to the admins rather than told to retry. A deployment can set its own.
 */
export const VALIDATION_MISCONFIGURED_MESSAGE =
  'This request cannot be checked: the access check for this app is misconfigured. Contact the admins of this app.';
const VALIDATION_BAD_INPUT_MESSAGE =
  'This request could not be checked: the access-request service sent data this check does not understand. Contact the admins of this app.';

const withDetail = <B extends object>(body: B, detail: Detail = {}): B & Detail => ({
  ...body,
  ...(detail.reason === undefined ? {} : { reason: detail.reason }),
  ...(detail.rule_id === undefined ? {} : { rule_id: detail.rule_id }),
});

export const replies = {
  preApproved: (detail?: Detail): PreApprovalReply => ({ statusCode: 200, body: withDetail({ response: LUMOS_RESPONSE.PREAPPROVED }, detail) }),
  notPreApproved: (detail?: Detail): PreApprovalReply => ({ statusCode: 200, body: withDetail({ response: LUMOS_RESPONSE.NOT_PREAPPROVED }, detail) }),

  validationPassed: (detail?: Detail): ValidationPassedReply => ({ statusCode: 200, body: withDetail({ response: LUMOS_RESPONSE.VALIDATION_PASSED }, detail) }),
  validationFailed: (message: string, detail?: Detail): ValidationFailedReply => ({
    statusCode: 200,
    body: withDetail({ response: LUMOS_RESPONSE.VALIDATION_FAILED, message }, detail),
  }),

  provisioned: (): DoneReply => ({ statusCode: 204 }),
  noProvisioningAction: (message: string): NoProvisioningActionReply => ({
    statusCode: 200,
    body: { response: LUMOS_RESPONSE.NO_PROVISIONING_ACTION, message },
  }),
  provisioningFailed: (message: string): ProvisioningFailedReply => ({ statusCode: 502, body: { response: LUMOS_RESPONSE.PROVISIONING_FAILED, message } }),

  deprovisioned: (): DoneReply => ({ statusCode: 204 }),
  deprovisioningFailed: (message: string): DeprovisioningFailedReply => ({
    statusCode: 502,
    body: { response: LUMOS_RESPONSE.DEPROVISIONING_FAILED, message },
  }),

  unauthorized: (): RefusalReply => ({ statusCode: 401, body: { error: 'unauthorized' } }),
  payloadTooLarge: (): RefusalReply => ({ statusCode: 413, body: { error: 'payload_too_large', limit_bytes: MAX_BODY_BYTES } }),
  methodNotAllowed: (): RefusalReply => ({ statusCode: 405, body: { error: 'method_not_allowed', allowed: 'POST' } }),
  notFound: (): RefusalReply => ({ statusCode: 404, body: { error: 'not_found' } }),

  invalidJson: (kind: WebhookKind, message: string): RefusalReply => ({ statusCode: 400, body: { error: 'invalid_json', message, ...kindNegative(kind) } }),
  invalidPayload: (kind: WebhookKind, issues: PayloadIssue[]): RefusalReply => ({
    statusCode: 422,
    body: { error: 'invalid_payload', issues, ...kindNegative(kind) },
  }),

  /**
   * The kind's answer when the check itself could not run: always the safe side. The reason is
   * left out for callers not (yet) authenticated, who learn nothing about our internals.
   */
  failure: (kind: WebhookKind, reason?: string): FailureReply => {
    const detail = reason === undefined ? {} : { reason };
    const why = reason === undefined ? '' : ` (${reason})`;
    switch (kind) {
      case 'pre_approval':
        return replies.notPreApproved(detail);
      case 'request_validation':
        return replies.validationFailed(VALIDATION_UNAVAILABLE_MESSAGE, detail);
      case 'provisioning':
        return replies.provisioningFailed(`Provisioning could not run${why}.`);
      case 'deprovisioning':
        return replies.deprovisioningFailed(`Deprovisioning could not run${why}.`);
    }
  },

  /** A client that went away or sent a body that could not be read. */
  badRequest: (): RefusalReply => ({ statusCode: 400, body: { error: 'bad_request' } }),
};

/** Pre-approval and request validation must always carry a `response` Lumos can read. */
function kindNegative(kind: WebhookKind): KindNegative {
  if (kind === 'pre_approval') return { response: LUMOS_RESPONSE.NOT_PREAPPROVED };
  if (kind === 'request_validation') {
    return { response: LUMOS_RESPONSE.VALIDATION_FAILED, message: VALIDATION_BAD_INPUT_MESSAGE };
  }
  return {};
}
