/**
 * Hostile values in rule files and in the tables, printed by the real commands against DynamoDB
 * Local: a rule id, an email, a source id or an error message holding a newline, an escape
 * sequence or a bidi override never starts a line of its own, never reaches a terminal raw, and
 * the only escape sequences on a colour terminal are the program's own colours. `--json` stays the
 * exact value.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLumosRules } from '../../../src/cli/rules/program';
import type { Io } from '../../../src/cli/shared/io';
import { runLumosState } from '../../../src/cli/state/program';
import { asPendingRemoval, asRevoking, withHold } from '../../../src/grants/transitions';
import { Deadline } from '../../../src/kernel/deadline';
import { SOURCES_PARTITION } from '../../../src/store/source-store';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { sampleEntitlement } from '../../support/entitlement';
import { recordingIo } from '../../support/recording-io';
import { testDocumentClient } from '../../support/tables';

const HOUR = 3_600_000;
/** The reproduction: a rule id that prints a summary line of its own, then hides the rest of the terminal (SGR 8, concealed). */
const FAKE_SUMMARY = 'Rules: 0 to add, 0 to change, 0 to remove, 9 unchanged';
const HOSTILE_ID = `evil\n${FAKE_SUMMARY}\u001b[8m`;
const HOSTILE_ID_PRINTED = `evil\\u{a}${FAKE_SUMMARY}\\u{1b}[8m`;

let deployment: TestDeployment;
let work: string;
let rulesArgs: string[];
let stateArgs: string[];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(program: typeof runLumosRules, args: string[], overrides: Partial<Io> = {}): Promise<Run> {
  const io = recordingIo(work, overrides);
  const code = await program(args, io, '0.0.0-test');
  return { code, out: io.out(), err: io.err() };
}

/** What a terminal would act on: every control character, C1 included, and bidi or zero-width ones; a newline only ends a line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ACTS_ON_A_TERMINAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

beforeAll(async () => {
  deployment = await testDeployment('terminal-output-token-0123456789');
  work = mkdtempSync(join(tmpdir(), 'lumos-terminal-'));
  rulesArgs = ['--endpoint', deployment.endpoint, '--rules-table', deployment.tables.RULES_TABLE];
  stateArgs = ['--endpoint', deployment.endpoint, '--state-table', deployment.tables.STATE_TABLE];
  mkdirSync(join(work, 'hostile'));
  writeFileSync(
    join(work, 'hostile', 'evil.json'),
    JSON.stringify({ app_id: 'wiki', rule_id: HOSTILE_ID, kind: 'pre_approval', effect: 'allow', description: 'ok \u202eevil', when: { all: [] } }),
  );
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('12. lumos-rules prints values from files and tables as data', () => {
  it('12. plan shows a rule id holding a newline and ESC[8m escaped on its own line: no fake summary line, nothing hidden', async () => {
    // Act
    const planned = await run(runLumosRules, ['plan', 'hostile', ...rulesArgs]);
    // Assess
    expect(planned.code).toBe(0);
    expect(planned.out).toContain(`  + wiki/${HOSTILE_ID_PRINTED}\n`);
    expect(planned.out.split('\n').filter((line) => line.startsWith('Rules:'))).toEqual(['Rules: 1 to add, 0 to change, 0 to remove, 0 unchanged']);
    expect(planned.out).not.toMatch(ACTS_ON_A_TERMINAL);
  });

  it('12. an error naming a hostile argument is one line on stderr, escaped', async () => {
    // Act
    const refused = await run(runLumosRules, ['check', `nope\n${FAKE_SUMMARY}\u001b[8m`]);
    // Assess
    expect(refused).toMatchObject({ code: 2, out: '', err: `error: nope\\u{a}${FAKE_SUMMARY}\\u{1b}[8m: no such file or folder\n` });
  });

  it('12. on a colour terminal, the only escape sequences are the program’s own colours', async () => {
    // Act
    const planned = await run(runLumosRules, ['check', 'hostile'], { isTTY: true });
    const applied = await run(runLumosRules, ['apply', 'hostile', ...rulesArgs, '--yes', '--by', 'admin@example.com'], { isTTY: true });
    // Assess
    expect(applied.code).toBe(0);
    for (const { out } of [planned, applied]) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the program's own colour codes, the only escapes allowed.
      expect(out).toMatch(/\u001b\[3\dm/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the program's own colour codes, the only escapes allowed.
      expect(out.replace(/\u001b\[(1|2|22|31|32|33|39)m/g, '')).not.toMatch(ACTS_ON_A_TERMINAL);
    }
    expect(applied.out).toContain(`added wiki/${HOSTILE_ID_PRINTED}`);
  });

  it('12. a hostile rule id written in the console, and its description, print escaped in plan; --json keeps them exact', async () => {
    // Prepare: the console edit the files do not have
    await testDocumentClient().send(
      new PutCommand({
        TableName: deployment.tables.RULES_TABLE,
        Item: { app_id: 'wiki', rule_id: 'console\u202e\u2066', kind: 'pre_approval', effect: 'deny', description: 'line\r\n\u009b2J', when: { all: [] } },
      }),
    );
    writeFileSync(
      join(work, 'hostile', 'evil.json'),
      JSON.stringify({ app_id: 'wiki', rule_id: HOSTILE_ID, kind: 'pre_approval', effect: 'allow', description: 'now \u200bchanged', when: { all: [] } }),
    );
    // Act
    const planned = await run(runLumosRules, ['plan', 'hostile', ...rulesArgs]);
    const json = await run(runLumosRules, ['plan', 'hostile', ...rulesArgs, '--json']);
    // Assess
    expect(planned.out).toContain(`  ~ wiki/${HOSTILE_ID_PRINTED}\n      description: "ok \\u{202e}evil" → "now \\u{200b}changed"\n`);
    expect(planned.out).toContain('    wiki/console\\u{202e}\\u{2066}: in the table, not in the files (kept; --prune removes it)\n');
    expect(planned.out).not.toMatch(ACTS_ON_A_TERMINAL);
    expect(JSON.parse(json.out).rules).toMatchObject({ changed: [{ rule: `wiki/${HOSTILE_ID}` }], missing: ['wiki/console\u202e\u2066'] });
    expect(json.out).not.toMatch(ACTS_ON_A_TERMINAL);
  });
});

describe('12. lumos-state prints values from the state table as data', () => {
  beforeAll(async () => {
    const now = Date.now();
    const start = new Date(now - HOUR).toISOString();
    const shift = (email: string) => ({ pk: 'oncall#rota', sk: `${email}#${start}`, starts_at: start, ends_at: new Date(now + HOUR).toISOString() });
    const put = (item: Record<string, unknown>) => testDocumentClient().send(new PutCommand({ TableName: deployment.tables.STATE_TABLE, Item: item }));
    // Written in the console: a look-alike person with a bidi override, and a key holding an escape sequence and a line break.
    await put(shift('p\u0430ul\u202e@lumos.com'));
    await put(shift(`evil\u001b[8m\n${FAKE_SUMMARY}@lumos.com`));
    await put({ pk: SOURCES_PARTITION, sk: 'feed', id: 'feed', type: 'ics', secret: 'lumos-sources/x', schedule: 'rota\u202eevil' });
    await put({ pk: SOURCES_PARTITION, sk: 'feed\u001b[2J', id: 'feed\u001b[2J', type: 'ics', secret: 'lumos-sources/x', schedule: 'x\n\u001b[8m' });
  });

  it('12. on-call names a look-alike person with a bidi override escaped, and the engine’s sentence about them as prose', async () => {
    // Act
    const onCall = await run(runLumosState, ['on-call', 'rota', ...stateArgs]);
    // Assess
    expect(onCall.out).toContain('p\\u{430}ul\\u{202e}@lumos.com  on call: ');
    expect(onCall.out).not.toMatch(ACTS_ON_A_TERMINAL);
    expect(onCall.out.split('\n').some((line) => line.startsWith('Rules:'))).toBe(false);
  });

  it('12. check and sources print keys, ids, schedules and refusals escaped; --json keeps them exact', async () => {
    // Act
    const checked = await run(runLumosState, ['check', ...stateArgs]);
    const sources = await run(runLumosState, ['sources', ...stateArgs]);
    const json = await run(runLumosState, ['sources', '--json', ...stateArgs]);
    // Assess
    expect(checked.out).toContain(`"oncall#rota" / "evil\\u{1b}[8m\\u{a}${FAKE_SUMMARY}@lumos.com#`);
    expect(sources.out).toContain('feed  ics → rota\\u{202e}evil: ');
    expect(sources.out).toContain('feed\\u{1b}[2J  not synced: ');
    for (const { out } of [checked, sources, json]) expect(out).not.toMatch(ACTS_ON_A_TERMINAL);
    expect(checked.out.split('\n').some((line) => line.startsWith('Rules:'))).toBe(false);
    expect(JSON.parse(json.out).sources).toContainEqual(expect.objectContaining({ id: 'feed', covers: { schedules: ['rota\u202eevil'] } }));
    expect(JSON.parse(json.out).sources).toContainEqual(expect.objectContaining({ id: 'feed\u001b[2J' }));
  });
});

describe('7. lumos-state names a grant with its non-ASCII characters escaped, and takes that name back', () => {
  it('7. grants --pending prints the permission escaped and the last error as prose on one line; resolve accepts the printed id', async () => {
    // Prepare: a pending removal of a permission named in German, whose target answered with a hostile error
    const now = new Date();
    const target = sampleEntitlement({
      person: { email: 'escaped@lumos.com', given_name: null, family_name: null },
      permission: { value: 'Zugriff für Admins', label: 'Zugriff' },
      access_length: 60,
    });
    const held = withHold(null, target, 'rule-1', { type: 'ledger' }, new Date(now.getTime() - HOUR));
    const pending = asPendingRemoval(asRevoking(held, now, now), `HTTP 503\n${FAKE_SUMMARY}\u001b[8m`, now);
    expect(await deployment.deps.grants.save(pending, null, new Deadline(5_000))).toBe(true);
    const grants = ['--endpoint', deployment.endpoint, '--grants-table', deployment.tables.GRANTS_TABLE];
    // Act
    const listed = await run(runLumosState, ['grants', '--pending', ...grants]);
    const printedId = 'inst-1/escaped@lumos.com#Zugriff f\\u{fc}r Admins';
    const resolved = await run(runLumosState, [
      'resolve',
      printedId,
      '--by',
      'admin@lumos.com',
      '--reason',
      'removed by hand',
      ...grants,
      '--audit-table',
      deployment.tables.AUDIT_TABLE,
    ]);
    // Assess
    expect(listed.out).toContain(`${printedId}  pending_removal, 1 attempt, next `);
    expect(listed.out).toContain(`  last error: HTTP 503\\u{a}${FAKE_SUMMARY}\\u{1b}[8m\n`);
    expect(listed.out).not.toMatch(ACTS_ON_A_TERMINAL);
    expect(resolved).toMatchObject({ code: 0, err: '', out: expect.stringContaining(`Closed ${printedId}: marked removed at `) });
  });
});
