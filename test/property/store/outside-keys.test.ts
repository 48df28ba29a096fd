/**
 * Maps keyed by outside values, through DynamoDB Local and back: intake field names (the audit
 * item's recorded facts) and task URLs (a grant's holds), any text, every name Object.prototype
 * has and `__proto__` included. Each call is audited with every field as it was asked, and a
 * grant keeps every hold through provisioning and the expiry sweeper.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DueEntry, DueGrants } from '../../../src/grants/due-grants';
import { ExpirySweeper } from '../../../src/grants/expiry-sweeper';
import { holdsAccess } from '../../../src/grants/holds';
import { grantStateAt } from '../../../src/grants/lifecycle';
import { Deadline } from '../../../src/kernel/deadline';
import { parsePayload } from '../../../src/lumos/payload';
import { ProvisioningService } from '../../../src/services/provisioning-service';
import { RequestValidationService } from '../../../src/services/request-validation-service';
import { queryItems } from '../../../src/store/item-reads';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, preApprovalBody, webhookRequest } from '../../support/events';
import { testDocumentClient } from '../../support/tables';

const TOKEN = 'outside-keys-token-0123456789';
const APP = 'keys_app';
const PERMISSION = 'Permission One';
const MINUTE = 60_000;
let deployment: TestDeployment;

beforeAll(async () => {
  deployment = await testDeployment(TOKEN, { seeded: true });
  await testDocumentClient().send(
    new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: { app_id: APP, rule_id: 'ledger', kind: 'provisioning', provisioner: 'ledger' } }),
  );
});

/** Every name Object.prototype has ("__proto__" among them, an accessor there). */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
/** Names a map could trip on, and any text. */
const outsideKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\ud800', 'a.b', '#x', ':x') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.webUrl() },
);
const answer = fc.oneof(fc.string({ minLength: 1, maxLength: 16 }), fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }));
/** Lumos's object form, or the list of `{prompt, response}` (the form in which `__proto__` survives parsing). */
const customFields = fc
  .tuple(fc.array(fc.tuple(outsideKey, answer), { minLength: 1, maxLength: 8 }), fc.boolean())
  .map(([entries, asList]) =>
    asList ? entries.map(([prompt, response]) => ({ prompt, response })) : Object.fromEntries(entries.map(([name, value]) => [name, value])),
  );

const sorted = (fields: object) => Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The audit item of one call, read back through the item reader. */
async function auditItemOf(appId: string, requestId: string): Promise<Record<string, unknown>[]> {
  return queryItems(
    testDocumentClient(),
    {
      TableName: deployment.tables.AUDIT_TABLE,
      KeyConditionExpression: 'app_id = :app',
      FilterExpression: 'request_id = :id',
      ExpressionAttributeValues: { ':app': appId, ':id': requestId },
    },
    'reading the audit table',
    new Deadline(10_000),
  );
}

describe('16.11 intake field names through the audit table', () => {
  it('audits every request validation with its intake answers as asked, whatever their names', async () => {
    const validate = deployment.pipeline((deps) => new RequestValidationService(deps, 'closed', deps.config.VALIDATION_MISCONFIGURED_MESSAGE));
    await fc.assert(
      fc.asyncProperty(customFields, async (fields) => {
        // Prepare: the demo request (a trained person) with these intake answers
        const body = { ...preApprovalBody(), custom_fields: fields };
        const parsed = parsePayload(body, 'request_validation');
        if (!parsed.ok) throw new Error('the generated body should parse');
        const requestId = `req-${randomUUID()}`;
        // Act
        const reply = await validate(webhookRequest(body, TOKEN, { requestId }));
        // Assess: answered, and audited with exactly the answers the rules saw
        expect(reply.body?.response).toBe('VALIDATION_PASSED');
        const items = await auditItemOf('demo_app', requestId);
        expect(items).toHaveLength(1);
        const facts = items[0]?.facts as { custom_fields: Record<string, unknown> };
        expect(Object.getPrototypeOf(facts.custom_fields)).toBe(null);
        expect(sorted(facts.custom_fields)).toEqual(sorted(parsed.request.payload.custom_fields));
      }),
      { numRuns: 40 },
    );
  });
});

describe('16.11 task URLs through the grants ledger and the expiry sweeper', () => {
  it('keeps every hold, and the sweeper never removes a grant a live hold keeps, whatever the task URLs', async () => {
    const { deps } = deployment;
    const provision = deployment.pipeline((dependencies) => new ProvisioningService(dependencies));
    const taskUrl = outsideKey.filter((url) => url.trim() !== '');
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(taskUrl, taskUrl).filter(([short, long]) => short !== long),
        async ([shortUrl, longUrl]) => {
          // Prepare: a grant for one minute; the due index read two minutes on, as a lagging index still shows it
          const email = `keys-${randomUUID().slice(0, 12)}@lumos.com`;
          const grantFor = (url: string, accessLength: number | null) =>
            provision(
              webhookRequest(
                { ...fixture('provisioning.json'), application: { app_id: APP }, target_user: { email }, access_length: accessLength, request_task_url: url },
                TOKEN,
              ),
            );
          expect((await grantFor(shortUrl, 60)).statusCode).toBe(204);
          const later = () => new Date(Date.now() + 2 * MINUTE);
          const stale = await collect(deps.due, later(), email);
          expect(stale).toHaveLength(1);
          // Act: another request holds it without end; then sweeps, one from the lagging index, one from the index as it is
          expect((await grantFor(longUrl, null)).statusCode).toBe(204);
          const laggingIndex: DueGrants = {
            async *due() {
              yield stale;
            },
          };
          const sweeper = (due: DueGrants) =>
            new ExpirySweeper({ ...deps, due, now: later }, { concurrency: 1, grantBudgetMs: 8_000 }, { count: () => {} }).run({
              runId: `run-${randomUUID()}`,
              deadline: new Deadline(20_000),
            });
          const fromLag = await sweeper(laggingIndex);
          await sweeper(deps.due);
          // Assess: both holds as asked, and the access kept
          expect(fromLag).toMatchObject({ due: 1, skipped: 1, removed: 0 });
          const grant = await deps.grants.get({ app_instance: APP, subject_permission: `${email}#${PERMISSION}` }, new Deadline(5_000));
          expect(grant).not.toBeNull();
          if (grant === null) return;
          expect(Object.keys(grant.holds).sort()).toEqual([shortUrl, longUrl].sort());
          expect(Object.hasOwn(grant.holds, longUrl) && grant.holds[longUrl]?.request_task_url).toBe(longUrl);
          expect(grantStateAt(grant, later())).toBe('held');
          expect(holdsAccess(grant, later())).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
});

/** The grants of one person the due index lists at `now`. */
async function collect(due: DueGrants, now: Date, email: string) {
  const found: DueEntry[] = [];
  for await (const page of due.due(now, new Deadline(10_000))) found.push(...page.filter((entry) => 'grant' in entry && entry.grant.email === email));
  return found;
}
