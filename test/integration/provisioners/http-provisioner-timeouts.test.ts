/**
 * The http provisioner's call to a target that never answers ends on time, whatever the garbage
 * collector does meanwhile, as a failure that may have been applied (the request reached the
 * target). A collection is forced once the target has the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/kernel/deadline';
import { SecretsManagerConnectorSecrets } from '../../../src/provisioners/connector-secrets';
import { HttpProvisioner } from '../../../src/provisioners/http-provisioner';
import type { ProvisionerOutcome } from '../../../src/provisioners/provisioner';
import { HttpProvisionerSchema } from '../../../src/rules/http-spec';
import { createSecretsManagerClient } from '../../../src/store/secret-reader';
import { sampleEntitlement } from '../../support/entitlement';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../support/fake-secrets-manager';
import { collectGarbage, type StallingServer, startStallingServer } from '../../support/stalling-server';

const PREFIX = 'lumos-connectors/';
const SLACK_MS = 750;
const TEST_TIMEOUT_MS = 10_000;

let fake: FakeSecretsManager;
let target: StallingServer;
beforeAll(async () => {
  [fake, target] = await Promise.all([startFakeSecretsManager(), startStallingServer('silent')]);
  Object.assign(process.env, fake.sdkEnvironment);
  fake.secrets.set(`${PREFIX}licence`, JSON.stringify({ header: 'Authorization', value: 'Bearer s3cret', allowed_hosts: ['127.0.0.1'] }));
});
afterAll(() => Promise.all([fake.close(), target.close()]));

const spec = () =>
  HttpProvisionerSchema.parse({
    type: 'http',
    name: 'Licence API',
    secret: `${PREFIX}licence`,
    provision: { method: 'POST', url: `${target.origin}/users/{target.email}` },
    deprovision: { method: 'DELETE', url: `${target.origin}/users/{target.email}` },
  });
const provisioner = (maxCallMs: number) => new HttpProvisioner(new SecretsManagerConnectorSecrets(createSecretsManagerClient(), PREFIX), { maxCallMs });

/** Starts `call`, forces a collection once the target has the request, and times the whole. */
async function collectedWhileWaiting(call: () => Promise<ProvisionerOutcome>): Promise<{ outcome: ProvisionerOutcome; elapsedMs: number }> {
  const arrived = target.nextRequest();
  const started = Date.now();
  const running = call();
  await arrived;
  collectGarbage();
  const outcome = await running;
  return { outcome, elapsedMs: Date.now() - started };
}

describe('a target that never answers', () => {
  it(
    '16.6 a grant ends at the call limit as a possibly applied failure, after a forced collection',
    async () => {
      // Act
      const { outcome, elapsedMs } = await collectedWhileWaiting(() => provisioner(1_000).provision(spec(), sampleEntitlement(), new Deadline(8_000)));

      // Assess
      expect(outcome).toEqual({ ok: false, message: 'Licence API: did not answer within 1 s', maybeApplied: true });
      expect(elapsedMs).toBeLessThan(1_000 + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '16.6 a removal ends at the deadline when that comes first, after a forced collection',
    async () => {
      // Act
      const { outcome, elapsedMs } = await collectedWhileWaiting(() => provisioner(5_000).deprovision(spec(), sampleEntitlement(), new Deadline(1_200)));

      // Assess
      expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/^Licence API: did not answer within 1(\.\d)? s$/), maybeApplied: true });
      expect(elapsedMs).toBeLessThan(1_200 + SLACK_MS);
    },
    TEST_TIMEOUT_MS,
  );
});
