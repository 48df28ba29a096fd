/**
 * Arbitrary bodies through the whole pipeline on DynamoDB Local, with the seeded rule (on call
 * for demo-oncall, at most 12 h, app demo_app): never a 5xx, and never PREAPPROVED unless that
 * allow rule really matches.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config';
import { createDependencies } from '../../../src/app/dependencies';
import { buildPipeline } from '../../../src/app/lambda';
import type { Pipeline } from '../../../src/http/pipeline';
import { seed } from '../../../src/local/seed';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { fixture, webhookRequest } from '../../support/events';
import { createTestTables, testDocumentClient } from '../../support/tables';

const TOKEN = 'property-token-0123456789';
const ON_CALL = 'peterparker@lumos.com';
let run: Pipeline;

beforeAll(async () => {
  const { endpoint, tables } = await createTestTables();
  await seed(testDocumentClient(), { rules: tables.RULES_TABLE, state: tables.STATE_TABLE }, new Date());
  const deps = createDependencies(loadConfig({ ...tables, LUMOS_WEBHOOK_TOKEN: TOKEN }), endpoint);
  run = buildPipeline(deps, new PreApprovalService(deps));
});

/** Mostly plausible values, so the approving path is reached, with arbitrary ones mixed in. */
const likely = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: plausible }, { weight: 1, arbitrary: fc.anything() });

const email = likely(fc.oneof(fc.constantFrom(ON_CALL, ' PeterParker@Lumos.com ', 'maryjane@lumos.com', '', null), fc.emailAddress()));
const person = likely(fc.record({ email, given_name: fc.option(fc.string()) }, { requiredKeys: ['email'] }));
const accessLength = likely(fc.oneof(fc.constantFrom(43_189, 43_200, 43_201, 0, null, '3600', '43200.5', '-1', 'twelve'), fc.integer(), fc.double()));
const permission = likely(
  fc.record({ value: fc.oneof(fc.constant('Permission One'), fc.string()), source: fc.option(fc.string()) }, { requiredKeys: ['value'] }),
);
const payload = fc.record(
  {
    application: likely(fc.record({ app_id: fc.oneof(fc.constantFrom('demo_app', 'demo_app', 'other_app', ''), fc.string()) })),
    permissions: likely(fc.array(permission, { minLength: 1, maxLength: 3 })),
    target_user: person,
    account: person,
    user: person,
    requester_user: person,
    access_length: accessLength,
    custom_fields: likely(fc.oneof(fc.constantFrom(null, 'None'), fc.dictionary(fc.string(), fc.string()))),
  },
  { requiredKeys: ['application', 'permissions'] },
);
/** The docs example with one top-level field replaced: mostly approvable, so both paths are exercised. */
const DOCS_EXAMPLE = fixture('pre-approval.json');
const mutatedExample = fc
  .tuple(fc.constantFrom(...Object.keys(DOCS_EXAMPLE), 'extra_field'), fc.oneof(fc.anything(), accessLength, person, fc.constant(undefined)))
  .map(([key, value]) => ({ ...DOCS_EXAMPLE, [key]: value }));
const body = fc.oneof(
  { weight: 4, arbitrary: mutatedExample.map((value) => JSON.stringify(value)) },
  { weight: 4, arbitrary: payload.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string() },
);

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;

/** The seeded allow rule, written independently of the engine. */
function seededRuleMatches(json: unknown): boolean {
  const subject = ['target_user', 'account', 'user', 'requester_user']
    .map((key) => field(field(json, key), 'email'))
    .map((candidate) => (typeof candidate === 'string' ? candidate.trim().toLowerCase() : ''))
    .find((candidate) => candidate !== '');
  const appId = field(field(json, 'application'), 'app_id');
  const raw = field(json, 'access_length');
  const length = typeof raw === 'string' ? Number(raw) : raw;
  return typeof appId === 'string' && appId.trim() === 'demo_app' && subject === ON_CALL && typeof length === 'number' && length >= 0 && length <= 43_200;
}

describe('pre-approval pipeline, arbitrary bodies', () => {
  it('never answers 5xx and never pre-approves without a matching allow rule', async () => {
    let approvals = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const reply = await run(webhookRequest(text, TOKEN));
        expect(reply.statusCode).toBeLessThan(500);
        expect(reply.body?.response).toMatch(/^(NOT_)?PREAPPROVED$/);
        if (reply.body?.response === 'PREAPPROVED') {
          approvals += 1;
          expect(seededRuleMatches(JSON.parse(text))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    // The generators must reach the approving path, or the property would prove little.
    expect(approvals).toBeGreaterThan(0);
  });
});
