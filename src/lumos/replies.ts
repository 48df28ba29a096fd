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

export interface Reply {
  statusCode: number;
  /** Absent for 204. */
  body?: Record<string, unknown>;
}

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

interface Detail {
  reason?: string;
  rule_id?: string;
}

const json = (statusCode: number, body: Record<string, unknown>): Reply => ({ statusCode, body });
const withDetail = (body: Record<string, unknown>, detail: Detail = {}): Record<string, unknown> => ({
  ...body,
  ...(detail.reason === undefined ? {} : { reason: detail.reason }),
  ...(detail.rule_id === undefined ? {} : { rule_id: detail.rule_id }),
});

export const replies = {
  preApproved: (detail?: Detail) => json(200, withDetail({ response: LUMOS_RESPONSE.PREAPPROVED }, detail)),
  notPreApproved: (detail?: Detail) => json(200, withDetail({ response: LUMOS_RESPONSE.NOT_PREAPPROVED }, detail)),

  validationPassed: (detail?: Detail) => json(200, withDetail({ response: LUMOS_RESPONSE.VALIDATION_PASSED }, detail)),
  validationFailed: (message: string, detail?: Detail) => json(200, withDetail({ response: LUMOS_RESPONSE.VALIDATION_FAILED, message }, detail)),

  provisioned: (): Reply => ({ statusCode: 204 }),
  noProvisioningAction: (message: string) => json(200, { response: LUMOS_RESPONSE.NO_PROVISIONING_ACTION, message }),
  provisioningFailed: (message: string) => json(502, { response: LUMOS_RESPONSE.PROVISIONING_FAILED, message }),

  deprovisioned: (): Reply => ({ statusCode: 204 }),
  deprovisioningFailed: (message: string) => json(502, { response: LUMOS_RESPONSE.DEPROVISIONING_FAILED, message }),

  unauthorized: () => json(401, { error: 'unauthorized' }),
  payloadTooLarge: () => json(413, { error: 'payload_too_large', limit_bytes: MAX_BODY_BYTES }),
  methodNotAllowed: () => json(405, { error: 'method_not_allowed', allowed: 'POST' }),
  notFound: () => json(404, { error: 'not_found' }),

  invalidJson: (kind: WebhookKind, message: string) => json(400, { error: 'invalid_json', message, ...kindNegative(kind) }),
  invalidPayload: (kind: WebhookKind, issues: PayloadIssue[]) => json(422, { error: 'invalid_payload', issues, ...kindNegative(kind) }),

  /**
   * The kind's answer when the check itself could not run: always the safe side. The reason is
   * left out for callers not (yet) authenticated, who learn nothing about our internals.
   */
  failure: (kind: WebhookKind, reason?: string): Reply => {
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
  badRequest: () => json(400, { error: 'bad_request' }),
};

/** Pre-approval and request validation must always carry a `response` Lumos can read. */
function kindNegative(kind: WebhookKind): Record<string, unknown> {
  if (kind === 'pre_approval') return { response: LUMOS_RESPONSE.NOT_PREAPPROVED };
  if (kind === 'request_validation') {
    return { response: LUMOS_RESPONSE.VALIDATION_FAILED, message: VALIDATION_BAD_INPUT_MESSAGE };
  }
  return {};
}
