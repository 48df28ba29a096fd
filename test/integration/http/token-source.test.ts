import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsManagerTokenSource } from '../../../src/http/token-source';
import { Deadline } from '../../../src/kernel/deadline';
import { TokenSourceError } from '../../../src/kernel/errors';
import { createSecretsManagerClient } from '../../../src/store/secret-reader';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';

let fake: FakeSecretsManager;

beforeAll(async () => {
  fake = await startFakeSecretsManager();
  // The production client, pointed at the loopback server the way the SDK documents.
  Object.assign(process.env, fake.sdkEnvironment);
});
afterAll(() => fake.close());

function source(secretId: string, clock: { now: number }) {
  return new SecretsManagerTokenSource(createSecretsManagerClient(), secretId, 300_000, 10_000, () => clock.now);
}

describe('SecretsManagerTokenSource through the SDK', () => {
  it('reads the rotation form and caches it', async () => {
    // Prepare
    fake.secrets.set('cache-test', '{"tokens":["a-token","b-token"]}');
    const clock = { now: 0 };
    const tokens = source('cache-test', clock);
    const before = fake.calls();
    // Act
    const first = await tokens.tokens(new Deadline(5_000));
    const second = await tokens.tokens(new Deadline(5_000));
    // Assess
    expect(first).toEqual(['a-token', 'b-token']);
    expect(second).toEqual(first);
    expect(fake.calls() - before).toBe(1);
  });

  it('re-reads after a mismatch at most once per interval, so a just-added token works at once', async () => {
    // Prepare
    fake.secrets.set('rotate', 'old-token');
    const clock = { now: 0 };
    const tokens = source('rotate', clock);
    await tokens.tokens(new Deadline(5_000));
    fake.secrets.set('rotate', '{"tokens":["new-token","old-token"]}');
    // Act: a mismatch right after the first read is within the interval: no re-read yet.
    clock.now = 5_000;
    const tooSoon = await tokens.tokens(new Deadline(5_000), { afterMismatch: true });
    clock.now = 10_000;
    const refreshed = await tokens.tokens(new Deadline(5_000), { afterMismatch: true });
    // Assess
    expect(tooSoon).toEqual(['old-token']);
    expect(refreshed).toEqual(['new-token', 'old-token']);
  });

  it('re-reads when the cache expires even without a mismatch', async () => {
    fake.secrets.set('expiry', 'one');
    const clock = { now: 0 };
    const tokens = source('expiry', clock);
    await tokens.tokens(new Deadline(5_000));
    fake.secrets.set('expiry', 'two');
    clock.now = 300_000;
    expect(await tokens.tokens(new Deadline(5_000))).toEqual(['two']);
  });

  it('fails with TokenSourceError naming the error kind, not the secret', async () => {
    const tokens = source('does-not-exist', { now: 0 });
    const failure = tokens.tokens(new Deadline(5_000));
    await expect(failure).rejects.toBeInstanceOf(TokenSourceError);
    await expect(failure).rejects.toThrow(/ResourceNotFoundException/);
  });

  it('fails when Secrets Manager answers 500', async () => {
    fake.secrets.set('flaky', 'token');
    fake.setFailing(true);
    try {
      await expect(source('flaky', { now: 0 }).tokens(new Deadline(5_000))).rejects.toBeInstanceOf(TokenSourceError);
    } finally {
      fake.setFailing(false);
    }
  });
});
