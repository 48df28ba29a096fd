import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { fetchSource } from '../../../src/sync/fetch-source';
import { retryWaitMs, SourceHttp } from '../../../src/sync/source-http';
import { parseSourceItem } from '../../../src/sync/source-item';
import { SourceFetchError } from '../../../src/sync/sync-result';
import { json, type LoopbackApi, startLoopbackApi } from '../../support/sources/loopback-api';
import { runOptions } from '../../support/sources/run-options';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi(() => json({ ok: true }));
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.next.length = 0;
});

const http = (overrides: Partial<ConstructorParameters<typeof SourceHttp>[0]> = {}) =>
  new SourceHttp({
    deadline: new Deadline(10_000),
    allowedHosts: ['127.0.0.1'],
    headers: { authorization: 'Bearer s3cr3t' },
    sleep: async () => undefined,
    ...overrides,
  });
const failureOf = async (promise: Promise<unknown>): Promise<SourceFetchError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceFetchError) return error;
    throw error;
  }
  throw new Error('expected a failure');
};

describe('source HTTP', () => {
  it('follows a redirect to an allowed host, and refuses one to any other host without calling it', async () => {
    // Prepare
    api.next.push({ status: 302, headers: { location: '/moved' } });

    // Act
    const followed = await http().get(new URL(`${api.origin}/feed`));
    api.next.push({ status: 302, headers: { location: 'https://attacker.example/steal' } });
    const refused = await failureOf(http().get(new URL(`${api.origin}/feed`)));

    // Assess
    expect(followed).toEqual({ kind: 'body', text: '{"ok":true}' });
    expect(api.requests.map((request) => request.path)).toEqual(['/feed', '/moved', '/feed']);
    expect(refused.reason).toBe('host_not_allowed');
  });

  it('retries a 5xx with backoff, then fails after four attempts', async () => {
    // Prepare
    const waits: number[] = [];
    api.next.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });

    // Act
    const failure = await failureOf(
      http({
        sleep: async (ms) => {
          waits.push(ms);
        },
      }).get(new URL(`${api.origin}/x`)),
    );

    // Assess
    expect(failure.reason).toBe('http_status');
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(api.requests).toHaveLength(4);
  });

  it('fails as deadline_exceeded when the answer takes longer than the deadline leaves, and sends nothing once it has passed', async () => {
    // Prepare: a server that never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const spent = http({ deadline: new Deadline(0) });

    // Act
    const slow = await failureOf(http({ deadline: new Deadline(200) }).get(new URL(`${origin}/x`)));
    const late = await failureOf(spent.get(new URL(`${api.origin}/x`)));
    silent.closeAllConnections();
    silent.close();

    // Assess
    expect(slow.reason).toBe('deadline_exceeded');
    expect(late.reason).toBe('deadline_exceeded');
    expect(spent.requests).toBe(0);
  });

  it('stops reading a body past the bound', async () => {
    // Prepare
    api.next.push({ status: 200, body: 'x'.repeat(10_000) });

    // Act
    const body = await http({ maxBodyBytes: 1_000 }).get(new URL(`${api.origin}/big`));

    // Assess
    expect(body).toEqual({ kind: 'too_large' });
  });

  it('reads Retry-After as seconds or a date, then ratelimit-reset, else backs off', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(retryWaitMs(new Headers({ 'retry-after': '7' }), 1, now)).toBe(7000);
    expect(retryWaitMs(new Headers({ 'retry-after': 'Sun, 29 Nov 2026 12:00:30 GMT' }), 1, now)).toBe(30_000);
    expect(retryWaitMs(new Headers({ 'ratelimit-reset': '12' }), 1, now)).toBe(12_000);
    expect(retryWaitMs(new Headers({ 'retry-after': 'soon' }), 3, now)).toBe(4000);
  });
});

describe('fetchSource', () => {
  it('fails a source whose secret does not parse for its type, without quoting it', async () => {
    // Prepare
    const source = parseSourceItem({ id: 'feed', type: 'ics', secret: 'lumos-sources/feed', schedule: 'rota' }, { current: 'lumos-sources/' });

    // Act
    const result = await fetchSource(source, JSON.stringify({ api_key: 's3cr3t', allowed_hosts: ['x'] }), runOptions());

    // Assess
    expect(result).toMatchObject({ kind: 'shifts', run: { status: 'failed', failure: { reason: 'misconfigured' } } });
    expect(JSON.stringify(result)).not.toMatch(/s3cr3t/);
  });

  it('runs the fetcher of the source type', async () => {
    // Prepare
    api.next.push(json([]));
    const source = parseSourceItem(
      { id: 'kb4', type: 'knowbe4', secret: 'lumos-sources/kb4', campaigns: { '1': 'security-awareness' } },
      { current: 'lumos-sources/' },
    );

    // Act
    const result = await fetchSource(source, JSON.stringify({ api_key: 'k', allowed_hosts: ['127.0.0.1'], base_url: api.origin }), runOptions());

    // Assess
    expect(result).toMatchObject({ kind: 'training', run: { status: 'complete', items: [] } });
    expect(api.requests[0]?.path).toBe('/v1/training/enrollments');
  });
});
