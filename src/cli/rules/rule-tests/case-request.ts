/**
 * A case's request as the webhook would receive it: the shorthand written out as a Lumos payload,
 * then either way parsed by the runtime's own `parsePayload`, so emails, the subject and every
 * refusal are exactly a webhook call's.
 */
import { type ParseOutcome, parsePayload } from '../../../lumos/payload';
import type { TestCase } from './test-file';

export function caseRequest(testCase: TestCase): ParseOutcome {
  return parsePayload(testCase.payload !== undefined ? testCase.payload : shorthandPayload(testCase), testCase.kind);
}

function shorthandPayload(testCase: TestCase): Record<string, unknown> {
  return {
    application: { app_id: testCase.app },
    permissions: (testCase.permissions ?? []).map((value) => ({ value })),
    ...(testCase.requester === undefined || testCase.requester === null ? {} : { requester_user: { email: testCase.requester } }),
    ...(testCase.target === undefined ? {} : { target_user: { email: testCase.target } }),
    // Left out, as in a payload: unlimited access.
    access_length: testCase.access_length ?? null,
    custom_fields: testCase.custom_fields ?? null,
  };
}
