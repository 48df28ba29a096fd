import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSourceItem, SourceItemError } from '../../../src/sync/source-item';
import { parseSourceSecret, SourceSecretError } from '../../../src/sync/source-secret';

const PREFIX = 'lumos-sources/LumosWebhooks/';
const parse = (value: unknown) => parseSourceItem(value, { current: PREFIX });
const problemsOf = (value: unknown): string[] => {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof SourceItemError) return error.problems;
    throw error;
  }
  throw new Error('expected the item to be refused');
};

describe('source items', () => {
  it('reads the example in docs/state-sources.md as written', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'state-sources.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    expect(parse(JSON.parse(example))).toMatchObject({ id: 'pagerduty-main', schedules: { PI7DH85: 'payments-oncall' } });
  });

  it('reads a PagerDuty source with its defaults: 30 minutes to stale, the US host', () => {
    // Act
    const source = parse({ id: 'pagerduty-main', type: 'pagerduty', secret: `${PREFIX}pagerduty`, schedules: { PI7DH85: 'payments-oncall' } });

    // Assess
    expect(source).toEqual({
      id: 'pagerduty-main',
      type: 'pagerduty',
      secret: `${PREFIX}pagerduty`,
      schedules: { PI7DH85: 'payments-oncall' },
      stale_after: 30,
      region: 'us',
    });
  });

  it('reads each type with what it syncs', () => {
    expect(parse({ id: 'inc', type: 'incidentio', secret: `${PREFIX}inc`, schedules: { '01G0J1': 'platform' }, stale_after: 15 })).toMatchObject({
      stale_after: 15,
    });
    expect(parse({ id: 'feed', type: 'ics', secret: `${PREFIX}feed`, schedule: 'support-rota' })).toMatchObject({ schedule: 'support-rota' });
    expect(parse({ id: 'kb4', type: 'knowbe4', secret: `${PREFIX}kb4`, region: 'eu', campaigns: { '123': 'security-awareness' } })).toMatchObject({
      region: 'eu',
      campaigns: { '123': 'security-awareness' },
    });
  });

  it('names every problem by its path', () => {
    // Act
    const problems = problemsOf({ id: 'bad id!', type: 'pagerduty', secret: `${PREFIX}x`, schedules: { P1: '' }, stale_after: 0, extra: 1 });

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^id: use 1 to 64 letters/),
        'schedules.P1: must not be empty',
        'stale_after: must be at least 1 minute',
        expect.stringMatching(/^\(root\): .*extra/),
      ]),
    );
  });

  it('refuses an unknown type, an empty mapping, a fractional stale_after and a KnowBe4 source that syncs nothing', () => {
    expect(problemsOf({ id: 'x', type: 'opsgenie', secret: `${PREFIX}x` })).toEqual(['type: must be one of pagerduty, incidentio, ics, knowbe4']);
    expect(problemsOf({ id: 'x', type: 'incidentio', secret: `${PREFIX}x`, schedules: {} })).toEqual(['schedules: map at least one schedule']);
    expect(problemsOf({ id: 'x', type: 'ics', secret: `${PREFIX}x`, schedule: 'rota', stale_after: 1.5 })).toEqual([
      'stale_after: must be a whole number of minutes',
    ]);
    expect(problemsOf({ id: 'x', type: 'knowbe4', secret: `${PREFIX}x` })).toEqual([
      'campaigns: map at least one campaign ("campaigns") or module ("modules") to a course name',
    ]);
  });

  it('refuses a secret outside the source secret prefix, so a source cannot name any secret the role reaches', () => {
    expect(problemsOf({ id: 'x', type: 'ics', secret: 'prod/database-password', schedule: 'rota' })).toEqual([
      'secret: must start with the source secret prefix lumos-sources/LumosWebhooks/',
    ]);
  });

  it("16.9 refuses a source secret under the provisioners' connector prefix: the sync reads no provisioner credential", () => {
    expect(problemsOf({ id: 'x', type: 'ics', secret: 'lumos-connectors/crm-write', schedule: 'rota' })).toEqual([
      'secret: must start with the source secret prefix lumos-sources/LumosWebhooks/',
    ]);
  });

  it('16.9 accepts a secret under the legacy prefix only while it is configured, and names both prefixes when refusing', () => {
    // Prepare
    const item = { id: 'x', type: 'ics', secret: 'lumos-connectors/rota-feed', schedule: 'rota' };
    const withLegacy = { current: PREFIX, legacy: 'lumos-connectors/' };
    // Act / Assess
    expect(parseSourceItem(item, withLegacy)).toMatchObject({ secret: 'lumos-connectors/rota-feed' });
    expect(() => parseSourceItem({ ...item, secret: 'prod/db' }, withLegacy)).toThrow(
      'secret: must start with the source secret prefix lumos-sources/LumosWebhooks/ (or, until it is moved, the legacy prefix lumos-connectors/)',
    );
  });

  it.each([
    ['an empty source prefix', { current: '' }, 'the source secret prefix is misconfigured: it must not be empty'],
    ['"*" as the source prefix', { current: '*' }, 'the source secret prefix is misconfigured: it must not hold "*" or "?"'],
    ['a wildcard inside the source prefix', { current: 'lumos-*' }, 'the source secret prefix is misconfigured: it must not hold "*" or "?"'],
    ['"*" as the legacy prefix', { current: PREFIX, legacy: '*' }, 'the legacy source secret prefix is misconfigured: it must not hold "*" or "?"'],
  ])('16.9 refuses every source with %s, whatever its secret', (_name, prefixes, message) => {
    for (const secret of ['*', '*anything', `${PREFIX}x`, 'lumos-x']) {
      expect(() => parseSourceItem({ id: 'x', type: 'ics', secret, schedule: 'rota' }, prefixes)).toThrow(message);
    }
  });
});

describe('source secrets', () => {
  it('reads an API key with its allowed hosts, hosts lower-cased', () => {
    expect(parseSourceSecret('pagerduty', 'lumos-connectors/pd', JSON.stringify({ api_key: 'u+abc', allowed_hosts: ['API.PagerDuty.com'] }))).toEqual({
      api_key: 'u+abc',
      allowed_hosts: ['api.pagerduty.com'],
    });
  });

  it('reads a feed URL for ICS, and refuses plain http to anything but this machine', () => {
    expect(
      parseSourceSecret('ics', 'f', JSON.stringify({ url: 'https://cal.example.com/feed.ics?token=t0k3n', allowed_hosts: ['cal.example.com'] })),
    ).toMatchObject({
      url: 'https://cal.example.com/feed.ics?token=t0k3n',
    });
    expect(() =>
      parseSourceSecret('ics', 'f', JSON.stringify({ url: 'http://cal.example.com/feed.ics?token=t0k3n', allowed_hosts: ['cal.example.com'] })),
    ).toThrow(/url: must use https/);
  });

  it('never quotes the secret in its errors', () => {
    const secretText = '{"api_key": "s3cr3t-value", "allowed_hosts": "api.pagerduty.com", "url": "https://x/?token=t0k3n"';
    for (const text of [secretText, `${secretText}}`, JSON.stringify({ api_key: 's3cr3t-value', allowed_hosts: [], base_url: 'ftp://s3cr3t-value' })]) {
      let message = '';
      try {
        parseSourceSecret('pagerduty', 'lumos-connectors/pd', text);
      } catch (error) {
        expect(error).toBeInstanceOf(SourceSecretError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/^secret lumos-connectors\/pd is/);
      expect(message).not.toMatch(/s3cr3t|t0k3n/);
    }
  });
});
