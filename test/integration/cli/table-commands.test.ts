/**
 * lumos-rules' table commands (export, plan, apply, explain) against DynamoDB Local, run as the
 * program runs them (arguments in, output and exit code out): console to git and back, a replay
 * of real calls, a concurrent console edit during apply, and the one-line errors.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLumosRules } from '../../../src/cli/rules/program';
import { PreApprovalService } from '../../../src/services/pre-approval-service';
import { shiftItem } from '../../../src/store/shift-item';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { fixture, webhookRequest } from '../../support/events';
import { recordingIo } from '../../support/recording-io';
import { testDocumentClient } from '../../support/tables';

const ROOT = join(__dirname, '..', '..', '..');
const TOKEN = 'table-commands-token-0123456789';
const PETER = 'peterparker@lumos.com';

interface Run {
  code: number;
  out: string;
  err: string;
}

/** `ask`: what a person at the terminal does when apply asks (default: says yes). */
async function lumosRules(args: string[], cwd: string, ask: (question: string) => Promise<string> = async () => 'y'): Promise<Run> {
  const io = recordingIo(cwd, { stdinIsTTY: true, ask: (question) => ask(question.text) });
  const code = await runLumosRules(args, io, '0.0.0-test');
  return { code, out: io.out(), err: io.err() };
}

let deployment: TestDeployment;
let work: string;
let local: string[];

const tableItems = async (table: string) => (await testDocumentClient().send(new ScanCommand({ TableName: table }))).Items ?? [];
const ruleItem = async (appId: string, ruleId: string) =>
  (await testDocumentClient().send(new GetCommand({ TableName: deployment.tables.RULES_TABLE, Key: { app_id: appId, rule_id: ruleId } }))).Item;

beforeAll(async () => {
  deployment = await testDeployment(TOKEN, { seeded: true });
  work = mkdtempSync(join(tmpdir(), 'lumos-rules-'));
  local = ['--endpoint', deployment.endpoint, '--rules-table', deployment.tables.RULES_TABLE];
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('from the console to git and back', () => {
  it('exports the table into one file per rule, which check accepts and plan finds unchanged', async () => {
    // Act
    const exported = await lumosRules(['export', 'exported', ...local], work);
    const checked = await lumosRules(['check', 'exported'], work);
    const planned = await lumosRules(['plan', 'exported', ...local, '--json'], work);
    // Assess
    expect(exported).toMatchObject({ code: 0, err: '' });
    expect(readdirSync(join(work, 'exported', 'demo_app')).sort()).toEqual([
      'ledger-grants.yaml',
      'oncall-preapprove.yaml',
      'security-awareness-required.yaml',
    ]);
    expect(checked.code).toBe(0);
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.out).rules).toMatchObject({ added: [], changed: [], missing: [], unchanged: 3 });
    expect(JSON.parse(planned.out).replay).toEqual({ skipped: expect.stringContaining('--audit-table') });
  });

  it('writes the same bytes when exported again', async () => {
    // Act
    const again = await lumosRules(['export', 'exported', ...local, '--force'], work);
    // Assess
    expect(again.code).toBe(0);
    expect(readFileSync(join(work, 'exported', 'demo_app', 'oncall-preapprove.yaml'), 'utf8')).toMatchInlineSnapshot(`
      "app_id: demo_app
      rule_id: oncall-preapprove
      kind: pre_approval
      description: Whoever is on call for demo-oncall skips approval for up to 12 hours of access.
      enabled: true
      mode: enforce
      priority: 100
      effect: allow
      when:
        all:
          - on_call:
              schedule: demo-oncall
          - access_length_at_most: 43200
      "
    `);
  });

  it('refuses to export into a folder that holds files, unless --force', async () => {
    // Act
    const refused = await lumosRules(['export', 'exported', ...local], work);
    // Assess
    expect(refused).toMatchObject({ code: 2, err: 'error: exported is not empty: export into a new folder, or pass --force\n' });
  });

  it('plans and applies an edit and a new rule, stamped with who and when; a second plan finds nothing to do', async () => {
    // Prepare
    cpSync(join(work, 'exported'), join(work, 'edited'), { recursive: true });
    const file = join(work, 'edited', 'demo_app', 'oncall-preapprove.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('access_length_at_most: 43200', 'access_length_at_most: 14400'));
    writeFileSync(join(work, 'edited', 'wiki.yaml'), 'app_id: wiki\nrule_id: everyone\nkind: pre_approval\neffect: allow\nwhen: { all: [] }\n');
    // Act
    const planned = await lumosRules(['plan', 'edited', ...local], work);
    const applied = await lumosRules(['apply', 'edited', ...local, '--yes', '--by', 'admin@example.com'], work);
    const again = await lumosRules(['plan', 'edited', ...local, '--json'], work);
    // Assess
    expect(planned.code).toBe(0);
    expect(planned.out).toContain('  + wiki/everyone');
    expect(planned.out).toContain(
      '  ~ demo_app/oncall-preapprove\n      when.all: [{"on_call":{"schedule":"demo-oncall"}},{"access_length_at_most":43200}] → [{"on_call":{"schedule":"demo-oncall"}},{"access_length_at_most":14400}]',
    );
    expect(planned.out).toContain('Rules: 1 to add, 1 to change, 0 to remove, 2 unchanged');
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('2 changes written.');
    expect(await ruleItem('demo_app', 'oncall-preapprove')).toMatchObject({ updated_by: 'admin@example.com', updated_at: expect.stringMatching(/^\d{4}-/) });
    expect(await ruleItem('wiki', 'everyone')).toMatchObject({ effect: 'allow', updated_by: 'admin@example.com' });
    expect(JSON.parse(again.out).rules).toMatchObject({ added: [], changed: [], unchanged: 4 });
  });

  it('asks before writing, and writes nothing on no', async () => {
    // Prepare
    const file = join(work, 'edited', 'wiki.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('effect: allow', 'effect: deny'));
    const questions: string[] = [];
    // Act
    const declined = await lumosRules(['apply', 'edited', ...local, '--by', 'admin@example.com'], work, async (question) => {
      questions.push(question);
      return 'n';
    });
    // Assess
    expect(questions).toEqual([`Apply 1 change to ${deployment.tables.RULES_TABLE}? [y/N] `]);
    expect(declined).toMatchObject({ code: 1, out: expect.stringContaining('Nothing written.') });
    expect(await ruleItem('wiki', 'everyone')).toMatchObject({ effect: 'allow' });
  });

  it('never overwrites a console edit made after the plan: the rule is named, the others are written', async () => {
    // Prepare: a second change, so one write conflicts and the other goes through
    const file = join(work, 'edited', 'demo_app', 'ledger-grants.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('priority: 100', 'priority: 90'));
    // Act: while apply asks, someone disables the wiki rule in the console
    const applied = await lumosRules(['apply', 'edited', ...local, '--by', 'admin@example.com'], work, async () => {
      const current = await ruleItem('wiki', 'everyone');
      await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: { ...current, enabled: false } }));
      return 'yes';
    });
    // Assess
    expect(applied.code).toBe(1);
    expect(applied.out).toContain('not changed: wiki/everyone changed in the table since the plan (a concurrent edit); run plan again');
    expect(applied.out).toContain('1 change written, 1 conflict.');
    expect(await ruleItem('wiki', 'everyone')).toMatchObject({ effect: 'allow', enabled: false });
    expect(await ruleItem('demo_app', 'ledger-grants')).toMatchObject({ priority: 90 });
  });

  it('removes rules missing from the files only with --prune, and only in the apps the files mention', async () => {
    // Prepare: only demo_app's folder, without one of its rules
    cpSync(join(work, 'edited', 'demo_app'), join(work, 'pruned'), { recursive: true });
    rmSync(join(work, 'pruned', 'ledger-grants.yaml'));
    // Act
    const kept = await lumosRules(['plan', 'pruned', ...local], work);
    const pruned = await lumosRules(['apply', 'pruned', ...local, '--yes', '--by', 'admin@example.com', '--prune'], work);
    // Assess
    expect(kept.out).toContain('demo_app/ledger-grants: in the table, not in the files (kept; --prune removes it)');
    expect(pruned.code).toBe(0);
    expect(pruned.out).toContain('removed demo_app/ledger-grants');
    expect(await ruleItem('demo_app', 'ledger-grants')).toBeUndefined();
    expect(await ruleItem('wiki', 'everyone')).toBeDefined();
  });

  it('refuses to apply files that check finds a problem in', async () => {
    // Prepare
    writeFileSync(join(work, 'edited', 'broken.yaml'), 'app_id: wiki\nrule_id: broken\nkind: pre_approval\neffect: allow\nwhen: { oncal: { schedule: x } }\n');
    // Act
    const refused = await lumosRules(['apply', 'edited', ...local, '--yes', '--by', 'admin@example.com'], work);
    rmSync(join(work, 'edited', 'broken.yaml'));
    // Assess
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('did you mean "on_call"');
    expect(refused.out).toContain('No plan: fix these problems first');
    expect(await ruleItem('wiki', 'broken')).toBeUndefined();
  });
});

describe('the replay of audited calls in plan', () => {
  let audited: string[];

  beforeAll(async () => {
    // The demo's rules back in the table, then calls through the real pipeline.
    await lumosRules(['apply', join(ROOT, 'rules'), ...local, '--yes', '--by', 'admin@example.com'], work);
    const now = Date.now();
    await testDocumentClient().send(
      new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: shiftItem('demo-oncall', PETER, new Date(now - 3_600_000), new Date(now + 3_600_000)) }),
    );
    const pipeline = deployment.pipeline((deps) => new PreApprovalService(deps));
    const body = fixture('pre-approval.json');
    audited = [];
    for (const [task, accessLength] of [
      ['short', 3_600],
      ['six-hours', 6 * 3_600],
    ] as const) {
      const reply = await pipeline(webhookRequest({ ...body, access_length: accessLength, request_task_url: `https://lumos.example/tasks/${task}` }, TOKEN));
      audited.push(String(reply.body?.response));
    }
    audited = [...audited, ...(await tableItems(deployment.tables.AUDIT_TABLE)).map((item) => String(item.decision))];
  });

  it('counts the decisions a proposed rule changes, per app and rule, without naming anyone', async () => {
    // Prepare: on-call approval limited to 4 hours
    cpSync(join(ROOT, 'rules'), join(work, 'four-hours'), { recursive: true });
    const file = join(work, 'four-hours', 'oncall-preapprove.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('access_length_at_most: 43200', 'access_length_at_most: 14400'));
    // Act
    const planned = await lumosRules(['plan', 'four-hours', ...local, '--audit-table', deployment.tables.AUDIT_TABLE], work);
    const json = await lumosRules(['plan', 'four-hours', ...local, '--audit-table', deployment.tables.AUDIT_TABLE, '--json', '--show-subjects'], work);
    // Assess
    expect(audited.slice(0, 2)).toEqual(['PREAPPROVED', 'PREAPPROVED']);
    expect(planned.code).toBe(0);
    expect(planned.out).toMatch(/Replay: \d+ audited calls of the last 7 days/);
    expect(planned.out).toContain('1 decision change');
    expect(planned.out).toContain('  demo_app  rule oncall-preapprove: 1 change');
    expect(planned.out).toContain('      pre_approval [Permission One]  PREAPPROVED → NOT_PREAPPROVED');
    expect(planned.out).not.toContain(PETER);
    const { summary } = JSON.parse(json.out).replay;
    expect(summary).toMatchObject({ changed: 1, alreadyDifferent: 0 });
    expect(summary.groups[0].examples[0]).toMatchObject({ subject: PETER, before: 'PREAPPROVED', after: 'NOT_PREAPPROVED' });
  });

  it('re-decides a past request from its recorded facts with explain --request', async () => {
    // Act
    const explained = await lumosRules(
      ['explain', '--request', 'https://lumos.example/tasks/six-hours', '--rules', 'four-hours', ...local, '--audit-table', deployment.tables.AUDIT_TABLE],
      work,
    );
    // Assess
    expect(explained.code).toBe(0);
    expect(explained.out).toMatch(/^pre_approval at \S+: recorded PREAPPROVED; with the rule files in four-hours: NOT_PREAPPROVED \(different\)$/m);
    expect(explained.out).toContain('demo_app/oncall-preapprove: not matched (allow)');
  });

  it('explains a payload against the live rules and state, writing nothing', async () => {
    // Prepare
    const before = (await tableItems(deployment.tables.AUDIT_TABLE)).length;
    // Act
    const explained = await lumosRules(
      ['explain', join(ROOT, 'fixtures', 'lumos', 'pre-approval.json'), ...local, '--state-table', deployment.tables.STATE_TABLE],
      work,
    );
    // Assess
    expect(explained.code).toBe(0);
    expect(explained.out).toContain('Reply: PREAPPROVED (allowed by rule oncall-preapprove)');
    expect(explained.out).toMatch(/✓ on_call: .*on call for demo-oncall/);
    expect((await tableItems(deployment.tables.AUDIT_TABLE)).length).toBe(before);
  });

  it('asks for the state table when the rules need live state', async () => {
    // Act
    const explained = await lumosRules(['explain', join(ROOT, 'fixtures', 'lumos', 'pre-approval.json'), ...local], work);
    // Assess
    expect(explained).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^lumos-rules: these rules ask about on-call or training: give --state-table NAME/),
    });
  });
});

describe('edits made in the console while apply runs', () => {
  let edited: TestDeployment;
  let args: string[];
  const itemOf = async (ruleId: string) =>
    (await testDocumentClient().send(new GetCommand({ TableName: edited.tables.RULES_TABLE, Key: { app_id: 'demo_app', rule_id: ruleId } }))).Item;
  const edit = async (ruleId: string, change: Record<string, unknown>) =>
    testDocumentClient().send(new PutCommand({ TableName: edited.tables.RULES_TABLE, Item: { ...(await itemOf(ruleId)), ...change } }));

  beforeAll(async () => {
    edited = await testDeployment(TOKEN);
    args = ['--endpoint', edited.endpoint, '--rules-table', edited.tables.RULES_TABLE];
    await lumosRules(['apply', join(ROOT, 'rules'), ...args, '--yes', '--by', 'admin@example.com'], work);
  });

  it('leaves alone a rule whose value was changed, and one the plan would prune, reporting both', async () => {
    // Prepare: the files change one rule and no longer hold another
    cpSync(join(ROOT, 'rules'), join(work, 'racing'), { recursive: true });
    const file = join(work, 'racing', 'oncall-preapprove.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('priority: 100', 'priority: 50'));
    rmSync(join(work, 'racing', 'ledger-grants.yaml'));
    // Act: both edited in the console while apply asks
    const applied = await lumosRules(['apply', 'racing', ...args, '--prune', '--by', 'admin@example.com'], work, async () => {
      await edit('oncall-preapprove', { priority: 200 });
      await edit('ledger-grants', { description: 'still needed' });
      return 'y';
    });
    // Assess
    expect(applied.code).toBe(1);
    expect(applied.out).toContain('not changed: demo_app/oncall-preapprove changed in the table since the plan');
    expect(applied.out).toContain('not removed: demo_app/ledger-grants changed in the table since the plan');
    expect(await itemOf('oncall-preapprove')).toMatchObject({ priority: 200 });
    expect(await itemOf('ledger-grants')).toMatchObject({ description: 'still needed' });
  });

  it('says which attributes added in the console since the plan its write replaced', async () => {
    // Prepare
    cpSync(join(ROOT, 'rules'), join(work, 'noted'), { recursive: true });
    const file = join(work, 'noted', 'security-awareness-required.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('within_days: 365', 'within_days: 180'));
    // Act
    const applied = await lumosRules(['apply', 'noted', ...args, '--by', 'admin@example.com'], work, async () => {
      await edit('security-awareness-required', { x_owner: 'security team' });
      return 'y';
    });
    // Assess
    expect(applied.code).toBe(1);
    expect(applied.out).toContain('changed demo_app/security-awareness-required, replacing attributes added in the table since the plan: x_owner');
  });

  it('does not blame the files for decisions the table changed: files equal to the table change nothing', async () => {
    // Prepare: a call under the demo rules, then the on-call rule narrowed in the console, then exported
    const now = Date.now();
    await testDocumentClient().send(
      new PutCommand({ TableName: edited.tables.STATE_TABLE, Item: shiftItem('demo-oncall', PETER, new Date(now - 3_600_000), new Date(now + 3_600_000)) }),
    );
    const reply = await edited.pipeline((deps) => new PreApprovalService(deps))(webhookRequest(fixture('pre-approval.json'), TOKEN));
    const current = await itemOf('oncall-preapprove');
    await edit('oncall-preapprove', {
      when: { all: [{ on_call: { schedule: 'demo-oncall' } }, { access_length_at_most: 3_600 }] },
      priority: current?.priority,
    });
    await lumosRules(['export', 'from-console', ...args], work);
    // Act
    const planned = await lumosRules(['plan', 'from-console', ...args, '--audit-table', edited.tables.AUDIT_TABLE, '--json'], work);
    // Assess
    expect(reply.body?.response).toBe('PREAPPROVED');
    const report = JSON.parse(planned.out);
    expect(report.rules).toMatchObject({ added: [], changed: [], missing: [] });
    expect(report.replay.summary).toMatchObject({ calls: 1, changed: 0, unchanged: 1, alreadyDifferent: 1 });
  });
});

describe('when the tables cannot be used', () => {
  it('says in one line that DynamoDB is unreachable, exit 1', async () => {
    // Act
    const run = await lumosRules(['plan', 'rules', '--endpoint', 'http://127.0.0.1:9', '--rules-table', 'lumos-rules'], ROOT);
    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      'lumos-rules: reading the rules table lumos-rules: cannot reach http://127.0.0.1:9 (is `npm start` running, and is the endpoint right?)\n',
    );
  });

  it('says which table does not exist, exit 1', async () => {
    // Act
    const run = await lumosRules(['export', join(work, 'nowhere'), '--endpoint', deployment.endpoint, '--rules-table', 'no-such-table'], ROOT);
    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^lumos-rules: reading the rules table no-such-table: no such table at http/);
  });

  it('asks which tables when none are named, exit 2', async () => {
    // Act
    const run = await lumosRules(['plan', 'rules'], ROOT);
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('which tables? give --endpoint URL --rules-table NAME');
  });
});
