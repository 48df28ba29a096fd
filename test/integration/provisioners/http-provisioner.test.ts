import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { DeadlineExceededError } from '../../../src/kernel/errors';
import { SecretsManagerConnectorSecrets } from '../../../src/provisioners/connector-secrets';
import type { Entitlement } from '../../../src/provisioners/entitlement';
import { HttpProvisioner } from '../../../src/provisioners/http-provisioner';
import { HttpProvisionerSchema, type HttpProvisionerSpec } from '../../../src/rules/http-spec';
import { createSecretsManagerClient } from '../../../src/store/secret-reader';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';

const PREFIX = 'lumos-connectors/';
const SECRET_VALUE = 'Bearer s3cret-token-value';
const BODY_TEXT = 'internal detail: stack trace and db password';

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A real loopback HTTP server that records what it receives and answers as told. */
interface TargetServer {
  origin: string;
  requests: RecordedRequest[];
  reply: Reply;
  close(): Promise<void>;
}

async function startTargetServer(): Promise<TargetServer> {
  const requests: RecordedRequest[] = [];
  const state: { reply: Reply } = { reply: { status: 204 } };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, headers = {}, delayMs = 0 } = state.reply;
      // The body echoes the credential too, so a message quoting the body would show it.
      const answer = () => response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`${BODY_TEXT} ${request.headers.authorization ?? ''}`);
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get reply() {
      return state.reply;
    },
    set reply(reply: Reply) {
      state.reply = reply;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TARGET: Entitlement = {
  app: { id: 'licence_app', instance_id: 'inst-1', label: 'Licence App' },
  permission: { value: 'editor role', label: 'Editor' },
  person: { email: 'peter.parker@example.com', given_name: 'Peter "Spidey"', family_name: 'Parker' },
  custom_fields: { ticket: 'T-42' },
  access_length: 3600,
  request_task_url: 'https://lumos.example/tasks?requestId=9',
};

/** A rule's spec, parsed by the rule schema as a stored rule would be. */
function httpSpec(origin: string, overrides: Record<string, unknown> = {}): HttpProvisionerSpec {
  return HttpProvisionerSchema.parse({
    type: 'http',
    name: 'Licence API',
    secret: `${PREFIX}licence`,
    provision: {
      method: 'POST',
      url: `${origin}/users/{target.email}/grants?role={permission.value}`,
      body: { email: '{target.email}', name: '{target.given_name} {target.family_name}', ttl: '{access_length}' },
      headers: { 'x-ticket': '{custom_fields.ticket}', authorization: 'the rule cannot choose this' },
    },
    deprovision: { method: 'DELETE', url: `${origin}/users/{target.email}/grants/{permission.value}` },
    ...overrides,
  });
}

function secretValue(allowedHosts: string[] = ['127.0.0.1']): string {
  return JSON.stringify({ header: 'Authorization', value: SECRET_VALUE, allowed_hosts: allowedHosts });
}

let fake: FakeSecretsManager;
let server: TargetServer;

beforeAll(async () => {
  fake = await startFakeSecretsManager();
  // The production client, pointed at the loopback server the way the SDK documents.
  Object.assign(process.env, fake.sdkEnvironment);
});
afterAll(() => fake.close());

beforeEach(async () => {
  fake.secrets.clear();
  fake.secrets.set(`${PREFIX}licence`, secretValue());
  server = await startTargetServer();
});
afterEach(() => server.close());

function provisioner(options: { maxCallMs?: number } = {}) {
  const secrets = new SecretsManagerConnectorSecrets(createSecretsManagerClient(), PREFIX);
  return new HttpProvisioner(secrets, options);
}

function expectNoLeak(message: string) {
  // A prefix too: JSON.parse errors quote the first characters of the text they fail on.
  expect(message).not.toContain('s3c');
  expect(message).not.toContain(BODY_TEXT);
}

describe('HttpProvisioner against a real HTTP server', () => {
  it('sends the provision request with the method, path, body and headers, and succeeds on 2xx', async () => {
    // Prepare
    server.reply = { status: 201 };
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests as [RecordedRequest];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/users/peter.parker%40example.com/grants?role=editor%20role');
    expect(JSON.parse(request.body)).toEqual({ email: 'peter.parker@example.com', name: 'Peter "Spidey" Parker', ttl: '3600' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-ticket']).toBe('T-42');
    // The credential is sent last, so a rule header of the same name cannot replace it.
    expect(request.headers.authorization).toBe(SECRET_VALUE);
  });

  it('sends the deprovision request, without a content type when there is no body', async () => {
    // Act
    const outcome = await provisioner().deprovision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: true });
    const [request] = server.requests as [RecordedRequest];
    expect(request.method).toBe('DELETE');
    expect(request.url).toBe('/users/peter.parker%40example.com/grants/editor%20role');
    expect(request.body).toBe('');
    expect(request.headers['content-type']).toBeUndefined();
    expect(request.headers.authorization).toBe(SECRET_VALUE);
  });

  it.each([400, 404, 500, 503])('fails on HTTP %i, naming the system and the status but not the body or the secret', async (status) => {
    // Prepare
    server.reply = { status };
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: `Licence API: answered HTTP ${status}` });
    if (!outcome.ok) expectNoLeak(outcome.message);
    expect(server.requests).toHaveLength(1);
  });

  it('names the system by the provision URL host when the rule has no name', async () => {
    // Prepare
    server.reply = { status: 503 };
    const spec = httpSpec(server.origin, { name: undefined });
    // Act
    const outcome = await provisioner().deprovision(spec, TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: `${server.origin.replace('http://', '')}: answered HTTP 503` });
  });

  it('gives up on a slow server at maxCallMs, well inside the deadline', async () => {
    // Prepare
    server.reply = { status: 204, delayMs: 3_000 };
    const started = Date.now();
    // Act
    const outcome = await provisioner({ maxCallMs: 300 }).provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(Date.now() - started).toBeLessThan(1_500);
    // No answer: the server may still carry the request out, so the outcome says so.
    expect(outcome).toEqual({ ok: false, message: 'Licence API: did not answer within 0.3 s', maybeApplied: true });
  });

  it('gives up on a slow server when the deadline is shorter than maxCallMs', async () => {
    // Prepare: the secret is read first, so the call itself gets only what the deadline has left.
    server.reply = { status: 204, delayMs: 3_000 };
    const started = Date.now();
    // Act
    const outcome = await provisioner({ maxCallMs: 5_000 }).provision(httpSpec(server.origin), TARGET, new Deadline(600));
    // Assess
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ message: expect.stringMatching(/^Licence API: did not answer within 0(\.\d)? s$/) });
  });

  it('throws DeadlineExceededError when the deadline is gone before the call, sending nothing', async () => {
    const failure = provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(0));
    await expect(failure).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(server.requests).toHaveLength(0);
  });

  it('fails when nothing listens on the port', async () => {
    // Prepare
    const spec = httpSpec(`http://127.0.0.1:${await unusedPort()}`);
    // Act
    const outcome = await provisioner().provision(spec, TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: 'Licence API: could not be reached (ECONNREFUSED)' });
  });

  it('sends nothing to a host the secret does not allow', async () => {
    // Prepare
    fake.secrets.set(`${PREFIX}licence`, secretValue(['api.example.com']));
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: `Licence API: host 127.0.0.1 is not allowed by secret ${PREFIX}licence` });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a secret outside the prefix without asking Secrets Manager or sending anything', async () => {
    // Prepare
    fake.secrets.set('other-team/admin', secretValue());
    const callsBefore = fake.calls();
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin, { secret: 'other-team/admin' }), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: `Licence API: credential other-team/admin is not under the connector prefix ${PREFIX}` });
    expect(fake.calls()).toBe(callsBefore);
    expect(server.requests).toHaveLength(0);
  });

  it('fails on a secret that does not exist, naming it', async () => {
    const outcome = await provisioner().provision(httpSpec(server.origin, { secret: `${PREFIX}missing` }), TARGET, new Deadline(5_000));
    expect(outcome).toEqual({ ok: false, message: `Licence API: credential ${PREFIX}missing could not be read (ResourceNotFoundException)` });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['not JSON', SECRET_VALUE],
    ['without allowed_hosts', JSON.stringify({ header: 'Authorization', value: SECRET_VALUE })],
  ])('fails on a secret that is %s, without showing its value', async (_kind, value) => {
    // Prepare
    fake.secrets.set(`${PREFIX}licence`, value);
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ message: expect.stringMatching(new RegExp(`^Licence API: credential ${PREFIX}licence is (not JSON|malformed)`)) });
    if (!outcome.ok) expectNoLeak(outcome.message);
    expect(server.requests).toHaveLength(0);
  });

  it('does not follow a redirect, so the credential never reaches its target', async () => {
    // Prepare
    const elsewhere = await startTargetServer();
    server.reply = { status: 302, headers: { location: `${elsewhere.origin}/collect` } };
    try {
      // Act
      const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
      // Assess
      expect(outcome).toEqual({ ok: false, message: 'Licence API: answered HTTP 302 (a redirect; redirects are not followed)' });
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses plain http to a host other than localhost even if a spec skipped the rule schema', async () => {
    // Prepare: built by hand, as the schema would reject it.
    fake.secrets.set(`${PREFIX}licence`, secretValue(['api.example.com']));
    const spec: HttpProvisionerSpec = { ...httpSpec(server.origin), provision: { method: 'POST', url: 'http://api.example.com/grants' } };
    // Act
    const outcome = await provisioner().provision(spec, TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: 'Licence API: http: is not allowed (https only, plain http for localhost)' });
  });

  it('refuses a GET with a body when the rule is read, and again before sending anything', async () => {
    // Prepare: the rule schema refuses it; a spec built around the schema meets the provisioner's own check.
    expect(() => httpSpec(server.origin, { provision: { method: 'GET', url: `${server.origin}/grants`, body: { email: '{target.email}' } } })).toThrow(
      /a GET request cannot carry a body/,
    );
    const spec: HttpProvisionerSpec = {
      ...httpSpec(server.origin),
      provision: { method: 'GET', url: `${server.origin}/grants`, body: { email: '{target.email}' } },
    };
    // Act
    const outcome = await provisioner().provision(spec, TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: 'Licence API: a GET request cannot carry a body; remove "body" from the rule' });
    expect(server.requests).toHaveLength(0);
  });

  it('fails without sending when a rule header cannot be sent, naming the header but not its value', async () => {
    // Prepare: fetch refuses characters beyond Latin-1 in header values.
    const spec = httpSpec(server.origin, { provision: { method: 'POST', url: `${server.origin}/grants`, headers: { 'x-user': '{custom_fields.ticket}' } } });
    const target: Entitlement = { ...TARGET, custom_fields: { ticket: 'Łukasz' } };
    // Act
    const outcome = await provisioner().provision(spec, target, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: 'Licence API: header "x-user" cannot be sent (an invalid name, or a character outside Latin-1)' });
    expect(server.requests).toHaveLength(0);
  });

  it('fails without sending when the secret holds a header that cannot be sent, without showing it', async () => {
    // Prepare
    fake.secrets.set(`${PREFIX}licence`, JSON.stringify({ header: 'Authorization', value: `${SECRET_VALUE}\nX-Injected: 1`, allowed_hosts: ['127.0.0.1'] }));
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome).toEqual({ ok: false, message: `Licence API: credential ${PREFIX}licence holds a header that cannot be sent` });
    expect(server.requests).toHaveLength(0);
  });

  it('reads the secret once for several calls', async () => {
    // Prepare
    const shared = provisioner();
    const callsBefore = fake.calls();
    // Act
    const first = await shared.provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    const second = await shared.deprovision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect([first, second]).toEqual([{ ok: true }, { ok: true }]);
    expect(fake.calls() - callsBefore).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  describe('placeholder values in the URL path', () => {
    const licenceSpec = () =>
      httpSpec(server.origin, {
        provision: { method: 'POST', url: `${server.origin}/users/{target.email}/licences/{custom_fields.sku}` },
        deprovision: { method: 'DELETE', url: `${server.origin}/users/{target.email}/licences/{custom_fields.sku}` },
      });
    const withSku = (sku: string): Entitlement => ({ ...TARGET, custom_fields: { sku } });

    it.each([
      ['..', 'gives ".."'],
      ['.', 'gives "."'],
      ['', 'gives an empty value'],
    ])('fails on sku %j before reading the secret, and the server never sees a request', async (sku, gives) => {
      // Prepare
      const callsBefore = fake.calls();
      // Act
      const provisioned = await provisioner().provision(licenceSpec(), withSku(sku), new Deadline(5_000));
      const deprovisioned = await provisioner().deprovision(licenceSpec(), withSku(sku), new Deadline(5_000));
      // Assess
      const message = `Licence API: placeholder {custom_fields.sku} ${gives}, which cannot be a path segment; the request was not sent`;
      expect([provisioned, deprovisioned]).toEqual([
        { ok: false, message },
        { ok: false, message },
      ]);
      expect(server.requests).toHaveLength(0);
      expect(fake.calls()).toBe(callsBefore);
    });

    it.each([
      ['pro', '/users/peter.parker%40example.com/licences/pro'],
      ['%2e%2e', '/users/peter.parker%40example.com/licences/%252e%252e'],
      ['../../admin', '/users/peter.parker%40example.com/licences/..%2F..%2Fadmin'],
      ['..\\admin?x=1#y', '/users/peter.parker%40example.com/licences/..%5Cadmin%3Fx%3D1%23y'],
    ])('sends sku %j as one path segment under the licences of that user', async (sku, path) => {
      // Act
      const outcome = await provisioner().provision(licenceSpec(), withSku(sku), new Deadline(5_000));
      // Assess
      expect(outcome).toEqual({ ok: true });
      expect(server.requests.map((request) => request.url)).toEqual([path]);
    });
  });

  it('never puts the response body or the secret in a failure message', async () => {
    // Prepare
    server.reply = { status: 500 };
    // Act
    const outcome = await provisioner().provision(httpSpec(server.origin), TARGET, new Deadline(5_000));
    // Assess
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expectNoLeak(outcome.message);
  });
});
