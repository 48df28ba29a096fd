import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type KnowBe4Source, parseSourceItem } from '../../../src/sync/source-item';
import type { ApiKeySecret } from '../../../src/sync/source-secret';
import { fetchKnowBe4Training } from '../../../src/sync/sources/knowbe4';
import { type KnowBe4Api, type KnowBe4Enrollment, startKnowBe4Api } from '../../support/sources/knowbe4-api';
import { runOptions } from '../../support/sources/run-options';

const API_KEY = 'kb4-s3cr3t';
let api: KnowBe4Api;
let secret: ApiKeySecret;
const source = parseSourceItem(
  {
    id: 'knowbe4',
    type: 'knowbe4',
    secret: 'lumos-sources/knowbe4',
    region: 'eu',
    campaigns: { '3423': 'security-awareness' },
    modules: { '77': 'phishing-basics' },
  },
  { current: 'lumos-sources/' },
) as KnowBe4Source;

let nextId = 1;
const enrollment = (overrides: Partial<KnowBe4Enrollment> = {}): KnowBe4Enrollment => ({
  enrollment_id: nextId++,
  campaign_id: 3423,
  store_purchase_id: 12,
  module_name: 'Security Awareness 2026',
  campaign_name: 'Annual training',
  status: 'Passed',
  completion_date: '2026-10-01T15:18:38.000Z',
  user: { id: 796742, first_name: 'Peter', last_name: 'Parker', email: 'PeterParker@Lumos.com' },
  ...overrides,
});

beforeAll(async () => {
  api = await startKnowBe4Api(API_KEY);
  secret = { api_key: API_KEY, allowed_hosts: ['127.0.0.1'], base_url: api.origin };
});
afterAll(() => api.close());
beforeEach(() => {
  api.enrollments.length = 0;
  api.users.length = 0;
  api.requests.length = 0;
  api.next.length = 0;
  api.malformedPages.clear();
});

describe('KnowBe4 training completions', () => {
  it('reads Passed enrollments per mapped campaign and module, as training records under the mapped course names', async () => {
    // Prepare
    api.enrollments.push(
      enrollment(),
      enrollment({ status: 'In Progress', completion_date: null, user: { id: 2, first_name: 'Mary', last_name: 'Jane', email: 'mary@lumos.com' } }),
      enrollment({ campaign_id: 1, store_purchase_id: 77, completion_date: '2026-11-02T09:00:00+01:00' }),
      enrollment({ campaign_id: 999, user: { id: 3, first_name: 'Other', last_name: 'Campaign', email: 'other@lumos.com' } }),
    );

    // Act
    const run = await fetchKnowBe4Training(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    expect(run.items).toEqual([
      { email: 'peterparker@lumos.com', course: 'security-awareness', completed_at: '2026-10-01T15:18:38.000Z' },
      { email: 'peterparker@lumos.com', course: 'phishing-basics', completed_at: '2026-11-02T08:00:00.000Z' },
    ]);
    const [first, second] = api.requests;
    expect(first?.path).toBe('/v1/training/enrollments');
    expect(first?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(Object.fromEntries(first?.query ?? [])).toEqual({ campaign_id: '3423', page: '1', per_page: '500' });
    expect(second?.query.get('store_purchase_id')).toBe('77');
  });

  it('reads page after page until a short one, keeping the latest completion per person and course', async () => {
    // Prepare: 1,100 people over three pages of 500, one of them twice.
    for (let index = 0; index < 1100; index += 1) {
      api.enrollments.push(enrollment({ user: { id: 10_000 + index, first_name: 'P', last_name: `${index}`, email: `person${index}@lumos.com` } }));
    }
    api.enrollments.push(
      enrollment({ completion_date: '2026-11-20T10:00:00Z', user: { id: 10_000, first_name: 'P', last_name: '0', email: 'person0@lumos.com' } }),
    );

    // Act
    const run = await fetchKnowBe4Training(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('complete');
    const campaignPages = api.requests.filter((request) => request.query.has('campaign_id')).map((request) => request.query.get('page'));
    expect(campaignPages).toEqual(['1', '2', '3']);
    expect(run.items).toHaveLength(1100);
    expect(run.items.find((record) => record.email === 'person0@lumos.com')?.completed_at).toBe('2026-11-20T10:00:00.000Z');
  });

  it('resolves users the enrollments name without an email once per run, from /v1/users', async () => {
    // Prepare
    api.enrollments.push(
      enrollment({ user: { id: 41, first_name: 'No', last_name: 'Email', email: null } }),
      enrollment({ store_purchase_id: 77, campaign_id: 5, user: { id: 41, first_name: 'No', last_name: 'Email' } }),
      enrollment({ user: { id: 42, first_name: 'Unknown', last_name: 'User' } }),
    );
    api.users.push({ id: 41, email: 'Resolved@Lumos.com' });

    // Act
    const run = await fetchKnowBe4Training(source, secret, runOptions());

    // Assess
    expect(run.items).toEqual([
      { email: 'resolved@lumos.com', course: 'security-awareness', completed_at: '2026-10-01T15:18:38.000Z' },
      { email: 'resolved@lumos.com', course: 'phishing-basics', completed_at: '2026-10-01T15:18:38.000Z' },
    ]);
    expect(api.requests.filter((request) => request.path === '/v1/users')).toHaveLength(1);
    expect(run).toMatchObject({ status: 'complete', skipped: { unknown_email: 1 } });
  });

  it('skips a page that does not parse, keeps the other pages, and reports the run partial', async () => {
    // Prepare
    for (let index = 0; index < 700; index += 1) {
      api.enrollments.push(enrollment({ user: { id: index, first_name: 'P', last_name: `${index}`, email: `p${index}@lumos.com` } }));
    }
    api.malformedPages.add('/v1/training/enrollments#1');

    // Act
    const run = await fetchKnowBe4Training(source, secret, runOptions());

    // Assess
    expect(run.status).toBe('partial');
    expect(run.skipped).toEqual({ page_unparseable: 2 });
    expect(run.items).toHaveLength(200);
  });

  it('retries after a 429 as Retry-After says; fails on a 401 and on a host not allowed', async () => {
    // Prepare
    api.enrollments.push(enrollment());
    api.next.push({ status: 429, headers: { 'retry-after': '3' } });
    const options = runOptions();

    // Act
    const retried = await fetchKnowBe4Training(source, secret, options);
    const refused = await fetchKnowBe4Training(source, { ...secret, api_key: 'revoked' }, runOptions());
    api.requests.length = 0;
    const elsewhere = await fetchKnowBe4Training(source, { ...secret, base_url: undefined }, runOptions());

    // Assess
    expect(retried.status).toBe('complete');
    expect(options.waits).toEqual([3000]);
    expect(refused).toMatchObject({ status: 'failed', failure: { reason: 'unauthorized' } });
    expect(elsewhere).toMatchObject({
      status: 'failed',
      failure: { reason: 'host_not_allowed', message: expect.stringMatching(/eu\.api\.knowbe4\.com/) },
      requests: 0,
    });
  });

  it('skips and counts hostile values', async () => {
    // Prepare
    api.enrollments.push(
      enrollment(),
      enrollment({ completion_date: 'last week', user: { id: 7, first_name: 'A', last_name: 'B', email: 'a@lumos.com' } }),
      enrollment({ completion_date: 20261001 as unknown as string, user: { id: 8, first_name: 'A', last_name: 'B', email: 'b@lumos.com' } }),
      enrollment({ user: 'peter' as unknown as KnowBe4Enrollment['user'] }),
    );

    // Act
    const run = await fetchKnowBe4Training(source, secret, runOptions());

    // Assess
    expect(run.items).toHaveLength(1);
    expect(run).toMatchObject({ status: 'complete', skipped: { bad_time: 2, unknown_email: 1 } });
  });
});
