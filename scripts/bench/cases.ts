/**
 * What the warm-latency and DynamoDB-call parts run: one entry per (kind, request mix).
 * Another kind is one more entry here once its handler is in src/handlers.
 */

export interface ExpectedReply {
  statusCode: number;
  /** Lumos's `response` value; absent for empty (204) replies. */
  response?: string;
}

export interface WarmCase {
  kind: string;
  mix: string;
  /** Built bundle, relative to the project root. */
  bundle: string;
  /** Request body, relative to the project root. */
  bodyFile: string;
  /** Changes the fixture into this mix's body. */
  edit?: (body: string) => string;
  expected: ExpectedReply;
  /** DynamoDB calls a warm call must make (rules cached), when the design fixes them. */
  callsPerWarmCall?: { reads: number; writes: number };
}

const DOCS_EMAIL = 'peterparker@lumos.com';
const asPerson = (email: string) => (body: string) => body.split(DOCS_EMAIL).join(email);

export const WARM_CASES: readonly WarmCase[] = [
  {
    kind: 'pre-approval',
    mix: 'on call (docs example)',
    bundle: 'dist/pre-approval/index.js',
    bodyFile: 'fixtures/lumos/pre-approval.json',
    expected: { statusCode: 200, response: 'PREAPPROVED' },
    callsPerWarmCall: { reads: 1, writes: 1 },
  },
  {
    kind: 'pre-approval',
    mix: 'not on call (maryjane)',
    bundle: 'dist/pre-approval/index.js',
    bodyFile: 'fixtures/lumos/pre-approval.json',
    edit: asPerson('maryjane@lumos.com'),
    expected: { statusCode: 200, response: 'NOT_PREAPPROVED' },
    callsPerWarmCall: { reads: 1, writes: 1 },
  },
  {
    kind: 'request-validation',
    mix: 'trained (docs example)',
    bundle: 'dist/request-validation/index.js',
    bodyFile: 'fixtures/lumos/pre-approval.json',
    expected: { statusCode: 200, response: 'VALIDATION_PASSED' },
    callsPerWarmCall: { reads: 1, writes: 1 },
  },
  {
    kind: 'request-validation',
    mix: 'untrained (maryjane)',
    bundle: 'dist/request-validation/index.js',
    bodyFile: 'fixtures/lumos/pre-approval.json',
    edit: asPerson('maryjane@lumos.com'),
    expected: { statusCode: 200, response: 'VALIDATION_FAILED' },
    callsPerWarmCall: { reads: 1, writes: 1 },
  },
  {
    kind: 'provisioning',
    mix: 'already granted (docs example again)',
    bundle: 'dist/provisioning/index.js',
    bodyFile: 'fixtures/lumos/provisioning.json',
    expected: { statusCode: 204 },
    // The first call grants; every warm call after it reads the grant and writes the audit item.
    callsPerWarmCall: { reads: 1, writes: 1 },
  },
  {
    kind: 'deprovisioning',
    mix: 'nothing to remove (maryjane)',
    bundle: 'dist/deprovisioning/index.js',
    bodyFile: 'fixtures/lumos/provisioning.json',
    edit: asPerson('maryjane@lumos.com'),
    expected: { statusCode: 204 },
    callsPerWarmCall: { reads: 1, writes: 1 },
  },
];
