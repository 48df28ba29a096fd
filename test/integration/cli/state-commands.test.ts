/**
 * lumos-state against DynamoDB Local, run as the program runs it (arguments in, output and exit
 * code out): `grants --pending` lists pending removals with their last error, `resolve` closes
 * one by hand (audited, and only a pending removal), items that are not readable grants named
 * with why, and the one-line errors and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLumosState } from '../../../src/cli/state/program';
import type { GrantItem } from '../../../src/grants/grant-item';
import { storedGrant } from '../../../src/grants/grant-ledger';
import { asPendingRemoval, asRevoking, withHold } from '../../../src/grants/transitions';
import { Deadline } from '../../../src/kernel/deadline';
import { encodeItem } from '../../../src/store/item-codec';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { sampleEntitlement } from '../../support/entitlement';
import { grantAt } from '../../support/grants';
import { recordingIo } from '../../support/recording-io';
import { auditItemsOf, testDocumentClient } from '../../support/tables';

const ROOT = join(__dirname, '..', '..', '..');
const HOUR = 3_600_000;
let deployment: TestDeployment;
let local: string[];

async function lumosState(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(ROOT);
  const code = await runLumosState(args, io, '0.0.0-test');
  return { code, out: io.out(), err: io.err() };
}

/** A grant as the webhooks and the sweeper leave it, written through the ledger (so its index attributes are there). */
async function saveGrant(email: string, state: 'held' | 'expired' | 'pending'): Promise<GrantItem> {
  const now = new Date();
  const target = sampleEntitlement({ person: { email, given_name: null, family_name: null }, access_length: state === 'held' ? 3_600 : 60 });
  let item = withHold(null, target, 'rule-1', { type: 'ledger' }, new Date(now.getTime() - (state === 'held' ? 0 : HOUR)));
  if (state === 'pending') item = asPendingRemoval(asRevoking(item, now, now), 'Access API: answered HTTP 503', now);
  expect(await deployment.deps.grants.save(item, null, new Deadline(5_000))).toBe(true);
  return item;
}

const read = (item: GrantItem) => grantAt(deployment.tables.GRANTS_TABLE, item);

beforeAll(async () => {
  deployment = await testDeployment('state-commands-token-0123456789');
  local = ['--endpoint', deployment.endpoint, '--grants-table', deployment.tables.GRANTS_TABLE];
});

describe('lumos-state grants', () => {
  it('lists pending removals with their last error and next attempt, and without --pending the expired grants too', async () => {
    // Prepare
    const pending = await saveGrant('pending@lumos.com', 'pending');
    const expired = await saveGrant('expired@lumos.com', 'expired');
    await saveGrant('held@lumos.com', 'held');
    // Act
    const onlyPending = await lumosState(['grants', '--pending', '--json', ...local]);
    const due = await lumosState(['grants', '--json', ...local]);
    const human = await lumosState(['grants', '--pending', ...local]);
    // Assess
    expect(onlyPending.code).toBe(0);
    expect(JSON.parse(onlyPending.out).grants).toEqual([
      expect.objectContaining({
        grant: `inst-1/pending@lumos.com#editor`,
        state: 'pending_removal',
        removal_attempts: 1,
        removal_error: 'Access API: answered HTTP 503',
        next_attempt_at: pending.next_attempt_at,
      }),
    ]);
    expect((JSON.parse(due.out).grants as { grant: string }[]).map((row) => row.grant)).toEqual([
      `inst-1/${expired.subject_permission}`,
      `inst-1/${pending.subject_permission}`,
    ]);
    expect(human.out).toContain('inst-1/pending@lumos.com#editor  pending_removal, 1 attempt, next ');
    expect(human.out).toContain('  last error: Access API: answered HTTP 503\n');
    expect(human.out).toContain('1 pending removal in ');
  });
});

describe('lumos-state reindex', () => {
  it('puts an expired grant written before the due index into it, so it is listed (and swept), once', async () => {
    // Prepare: an item as an older version wrote it, without index attributes
    const old = withHold(
      null,
      sampleEntitlement({ person: { email: 'older@lumos.com', given_name: null, family_name: null }, access_length: 60 }),
      'r',
      { type: 'ledger' },
      new Date(Date.now() - HOUR),
    );
    await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.GRANTS_TABLE, Item: old }));
    const before = await lumosState(['grants', '--json', ...local]);
    // Act
    const first = await lumosState(['reindex', '--json', ...local]);
    const second = await lumosState(['reindex', '--json', ...local]);
    const after = await lumosState(['grants', '--json', ...local]);
    // Assess
    const listed = (run: { out: string }) => (JSON.parse(run.out).grants as { grant: string }[]).map((row) => row.grant);
    expect(listed(before)).not.toContain(`inst-1/${old.subject_permission}`);
    expect(JSON.parse(first.out)).toMatchObject({ indexed: 1 });
    expect(JSON.parse(second.out)).toMatchObject({ indexed: 0 });
    expect(listed(after)).toContain(`inst-1/${old.subject_permission}`);
    expect(await read(old)).toMatchObject({ version: old.version, state: 'held' });
  });
});

describe('16.11 lumos-state reindex and outside keys', () => {
  it('keeps a hold whose task URL is "__proto__" when it rewrites a grant', async () => {
    // Prepare: an older item, without index attributes, held by two requests, one named "__proto__"
    const at = new Date(Date.now() - HOUR);
    const held = (url: string) =>
      sampleEntitlement({ person: { email: 'proto-hold@lumos.com', given_name: null, family_name: null }, access_length: 60, request_task_url: url });
    const old = withHold(withHold(null, held('https://lumos.example/tasks/1'), 'r', { type: 'ledger' }, at), held('__proto__'), 'r', { type: 'ledger' }, at);
    expect(Object.keys(old.holds).sort()).toEqual(['__proto__', 'https://lumos.example/tasks/1']);
    await testDocumentClient().send(new PutItemCommand({ TableName: deployment.tables.GRANTS_TABLE, Item: encodeItem(old) }));
    // Act
    const run = await lumosState(['reindex', '--json', ...local]);
    // Assess
    expect(JSON.parse(run.out)).toMatchObject({ indexed: 1 });
    const grant = await deployment.deps.grants.get({ app_instance: old.app_instance, subject_permission: old.subject_permission }, new Deadline(5_000));
    expect(Object.keys(grant?.holds ?? {}).sort()).toEqual(['__proto__', 'https://lumos.example/tasks/1']);
    expect(grant).toMatchObject({ version: old.version, due_at: old.expires_at });
  });
});

describe('lumos-state resolve', () => {
  it('closes a pending removal by hand: removed, audited with who and why, and no longer listed', async () => {
    // Prepare
    const pending = await saveGrant('closed@lumos.com', 'pending');
    // Act
    const run = await lumosState([
      'resolve',
      `inst-1/${pending.subject_permission}`,
      '--by',
      'admin@lumos.com',
      '--reason',
      'removed in the admin console',
      ...local,
      '--audit-table',
      deployment.tables.AUDIT_TABLE,
    ]);
    const after = await lumosState(['grants', '--pending', '--json', ...local]);
    // Assess
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('Closed inst-1/closed@lumos.com#editor: marked removed');
    expect(await read(pending)).toMatchObject({ state: 'removed', resolved_by: 'admin@lumos.com', resolved_reason: 'removed in the admin console' });
    expect((await read(pending))?.ttl).toBeTypeOf('number');
    expect((JSON.parse(after.out).grants as { grant: string }[]).map((row) => row.grant)).not.toContain(`inst-1/${pending.subject_permission}`);
    const audit = await auditItemsOf(deployment.tables.AUDIT_TABLE, 'closed@lumos.com');
    expect(audit).toEqual([
      expect.objectContaining({ kind: 'grant_resolved', decision: 'RESOLVED', actor: 'admin@lumos.com', reason: 'removed in the admin console' }),
    ]);
  });

  it('refuses to close a grant that is not a pending removal, changing nothing (exit 1, one line)', async () => {
    // Prepare
    const held = await saveGrant('still.held@lumos.com', 'held');
    // Act
    const run = await lumosState([
      'resolve',
      `inst-1/${held.subject_permission}`,
      '--by',
      'admin@lumos.com',
      '--reason',
      'x',
      ...local,
      '--audit-table',
      deployment.tables.AUDIT_TABLE,
    ]);
    // Assess
    expect(run).toMatchObject({
      code: 1,
      err: 'lumos-state: grant inst-1/still.held@lumos.com#editor is held, not a pending removal: only a pending removal can be closed by hand\n',
    });
    expect(await read(held)).toEqual(expect.objectContaining({ state: 'held', version: held.version }));
  });

  it('answers bad usage with exit 2: no --by, a malformed grant, no audit table', async () => {
    // Act
    const noBy = await lumosState(['resolve', 'inst-1/a@b.c#p', '--reason', 'x', ...local]);
    const malformed = await lumosState(['resolve', 'no-slash', '--by', 'a', '--reason', 'x', ...local]);
    const noAudit = await lumosState(['resolve', 'inst-1/a@b.c#p', '--by', 'a', '--reason', 'x', ...local]);
    // Assess
    expect(noBy).toMatchObject({ code: 2, err: 'error: --by is required: who closes it and why are recorded in the audit trail\n' });
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('expected <app_instance>/<email>#<permission>');
    expect(noAudit).toMatchObject({ code: 2, err: 'error: --endpoint needs --audit-table NAME too: a resolution is audited\n' });
  });

  it('runs as bin/lumos-state.cjs, and says which tables it needs when none is named', () => {
    // Act
    const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'lumos-state.cjs'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    const none = spawnSync(process.execPath, [join(ROOT, 'bin', 'lumos-state.cjs'), 'grants'], { cwd: ROOT, encoding: 'utf8' });
    // Assess
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: lumos-state [options] [command]');
    expect(none).toMatchObject({
      status: 2,
      stderr: 'error: which tables? give --endpoint URL --grants-table NAME (DynamoDB Local, as `npm start` prints), or --stack NAME\n',
    });
  });
});

describe('grants table items that are not readable grants', () => {
  const resolve = (item: GrantItem) =>
    lumosState([
      'resolve',
      `inst-1/${item.subject_permission}`,
      '--by',
      'admin@lumos.com',
      '--reason',
      'removed by hand',
      ...local,
      '--audit-table',
      deployment.tables.AUDIT_TABLE,
    ]);
  /** Writes the item as an admin's edit in the console would leave it, its index attributes kept. */
  const edit = (item: GrantItem, change: Record<string, unknown>) =>
    testDocumentClient().send(new PutCommand({ TableName: deployment.tables.GRANTS_TABLE, Item: { ...storedGrant(item), ...change } }));

  it('names one on stderr with why, lists the others, and refuses to close it', async () => {
    // Prepare: an expired grant whose holds were edited into something else
    const item = await saveGrant('edited@lumos.com', 'expired');
    await edit(item, { holds: 'edited by hand' });
    const line = `lumos-state: inst-1/edited@lumos.com#editor in ${deployment.tables.GRANTS_TABLE} is not a readable grant (holds: expected a map of holds); the expiry sweeper skips it until it is fixed\n`;
    // Act: the due index follows its table a little later, so read it until it has the edit
    let listed = await lumosState(['grants', '--json', ...local]);
    for (let attempt = 0; attempt < 1_000 && listed.err !== line; attempt += 1) listed = await lumosState(['grants', '--json', ...local]);
    const closed = await resolve(item);
    // Assess
    expect(listed).toMatchObject({ code: 0, err: line });
    expect((JSON.parse(listed.out).grants as { grant: string }[]).map((row) => row.grant)).not.toContain(`inst-1/${item.subject_permission}`);
    expect(closed).toMatchObject({
      code: 1,
      err: `lumos-state: grant inst-1/edited@lumos.com#editor in ${deployment.tables.GRANTS_TABLE} is not a readable grant (holds: expected a map of holds): fix the item first\n`,
    });
  });

  it('leaves one out of the due index on reindex, naming it on stderr', async () => {
    // Prepare: an older item, without index attributes, that is not a grant
    const old = withHold(
      null,
      sampleEntitlement({ person: { email: 'older.edited@lumos.com', given_name: null, family_name: null }, access_length: 60 }),
      'r',
      { type: 'ledger' },
      new Date(Date.now() - HOUR),
    );
    await testDocumentClient().send(new PutItemCommand({ TableName: deployment.tables.GRANTS_TABLE, Item: encodeItem({ ...old, version: 'one' }) }));
    // Act
    const run = await lumosState(['reindex', '--json', ...local]);
    // Assess
    expect(run.err).toContain(`lumos-state: inst-1/older.edited@lumos.com#editor in ${deployment.tables.GRANTS_TABLE} is not a readable grant (version: `);
    expect(run.err).toContain('); left out of the due index until it is fixed\n');
    expect(JSON.parse(run.out)).toMatchObject({ indexed: 0 });
  });

  it('closes a pending removal whose recorded provisioner is unreadable, writing the provisioner back as it was', async () => {
    // Prepare
    const pending = await saveGrant('unreadable.provisioner@lumos.com', 'pending');
    const broken = { type: 'http', secret: 'lumos-connectors/gone' };
    await edit(pending, { provisioner: broken });
    // Act
    const run = await resolve(pending);
    // Assess
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(await read(pending)).toMatchObject({ state: 'removed', resolved_by: 'admin@lumos.com', provisioner: { type: 'unreadable', stored: broken } });
  });
});
