/**
 * Rules the table can hold, on DynamoDB Local (which enforces the 400 KB item limit): `check`
 * refuses a rule file over it (as DynamoDB counts an item, with room for what apply adds), so
 * `apply` never starts writing what it cannot finish; and when a write fails anyway (a concurrent
 * edit, an item the table refuses, a table gone), apply goes on with the others and says which
 * landed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_BYTES } from '../../../src/cli/rules/check/table-limits';
import { type ApplyOutcome, applyCommand } from '../../../src/cli/rules/commands/apply';
import { runLumosRules } from '../../../src/cli/rules/program';
import { applyPlan } from '../../../src/cli/rules/table/apply-writes';
import type { RuleItem } from '../../../src/cli/rules/table/rule-table';
import { planRules } from '../../../src/cli/rules/table/rules-plan';
import { openRulesTables, type RulesTables } from '../../../src/cli/rules/table/rules-tables';
import { terminalColours } from '../../../src/cli/shared/terminal-text';
import { itemBytes, MAX_ITEM_BYTES } from '../../../src/store/item-limits';
import { type TestDeployment, testDeployment } from '../../support/deployment';
import { recordingIo } from '../../support/recording-io';
import { testDocumentClient } from '../../support/tables';

let deployment: TestDeployment;
let work: string;
let local: string[];

async function lumosRules(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(work);
  const code = await runLumosRules(args, io, '0.0.0-test');
  return { code, out: io.out(), err: io.err() };
}

const rule = (ruleId: string, extra: Record<string, unknown> = {}): RuleItem => ({
  app_id: 'wiki',
  rule_id: ruleId,
  kind: 'pre_approval',
  effect: 'allow',
  when: { all: [] },
  ...extra,
});

/** A rule whose description makes it exactly `total` bytes as check counts it, what apply adds included. */
function ruleOfSize(ruleId: string, total: number): RuleItem {
  const base = itemBytes({ ...rule(ruleId), description: '' }) + STAMP_BYTES;
  return rule(ruleId, { description: 'd'.repeat(total - base) });
}

function writeRuleFile(folder: string, item: RuleItem, name = item.rule_id): void {
  mkdirSync(join(work, folder), { recursive: true });
  writeFileSync(join(work, folder, `${name}.json`), JSON.stringify(item));
}

const tableItem = async (ruleId: string) =>
  (await testDocumentClient().send(new GetCommand({ TableName: deployment.tables.RULES_TABLE, Key: { app_id: 'wiki', rule_id: ruleId } }))).Item;

beforeAll(async () => {
  deployment = await testDeployment('table-limits-token-0123456789');
  work = mkdtempSync(join(tmpdir(), 'lumos-limits-'));
  local = ['--endpoint', deployment.endpoint, '--rules-table', deployment.tables.RULES_TABLE];
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('13. check refuses what the rules table cannot hold', () => {
  it('13. passes a rule just under 400 KB as DynamoDB counts it, and apply writes it', async () => {
    // Prepare
    writeRuleFile('under', ruleOfSize('just-under', MAX_ITEM_BYTES));
    // Act
    const checked = await lumosRules(['check', 'under']);
    const applied = await lumosRules(['apply', 'under', ...local, '--yes', '--by', 'a'.repeat(200)]);
    // Assess
    expect(checked).toMatchObject({ code: 0, out: '1 rule in 1 file: 0 problems, 0 warnings\n' });
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('added wiki/just-under\n1 change written.\n');
    expect(await tableItem('just-under')).toMatchObject({ updated_by: 'a'.repeat(200) });
  });

  it('13. refuses a rule one byte over, naming the file and its size; plan and apply write nothing', async () => {
    // Prepare
    writeRuleFile('over', ruleOfSize('just-over', MAX_ITEM_BYTES + 1));
    // Act
    const checked = await lumosRules(['check', 'over']);
    const applied = await lumosRules(['apply', 'over', ...local, '--yes', '--by', 'admin@example.com']);
    // Assess
    expect(checked.code).toBe(1);
    expect(checked.out).toContain(
      `over/just-over.json: (root): the item is 409,601 bytes as DynamoDB counts an item (the ${STAMP_BYTES.toLocaleString('en-US')} bytes apply may add for updated_by and updated_at included): more than the 409,600 bytes (400 KB) a rules table item holds`,
    );
    expect(applied.code).toBe(1);
    expect(applied.out).toContain('No plan: fix these problems first');
    expect(await tableItem('just-over')).toBeUndefined();
  });

  it('13. refuses what DynamoDB itself refuses: a 400 KB description, a sort key over 1,024 bytes, too deep a note, a number out of range', async () => {
    // Prepare
    writeRuleFile('refused', rule('big', { description: 'd'.repeat(MAX_ITEM_BYTES) }));
    writeRuleFile('refused', rule('r'.repeat(1_025)), 'long-key');
    let deep: unknown = 'x';
    for (let level = 0; level < 32; level += 1) deep = { a: deep };
    writeRuleFile('refused', rule('deep', { x_note: deep }));
    writeRuleFile('refused', rule('tiny', { x_ratio: 1e-131 }));
    // Act
    const checked = await lumosRules(['check', 'refused']);
    // Assess: each would stop apply in DynamoDB Local
    expect(checked.code).toBe(1);
    expect(checked.out).toContain('refused/big.json: (root): the item is ');
    expect(checked.out).toMatch(/refused\/long-key.json: rule_id: 1,025 bytes in UTF-8: the rules table's sort key holds at most 1,024 bytes/);
    expect(checked.out).toContain(
      "refused/deep.json: x_note.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: lists and maps nested deeper than DynamoDB's 32 levels",
    );
    expect(checked.out).toContain('refused/tiny.json: x_ratio: 1e-131 is smaller than the smallest number DynamoDB holds (1E-130)');
    for (const refused of [rule('big', { description: 'd'.repeat(MAX_ITEM_BYTES) }), rule('r'.repeat(1_025)), rule('deep', { x_note: deep })]) {
      await expect(testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: refused }))).rejects.toThrow(
        /ValidationException|size|Nesting|key/i,
      );
    }
  });
});

describe('13. the size check counts an item never below DynamoDB', () => {
  it('13. every item at exactly 400 KB by its count, whatever it holds, is one DynamoDB Local stores', async () => {
    const leaf = fc.oneof(
      fc.double({ min: -1e15, max: 1e15, noNaN: true }).filter((value) => value === 0 || Math.abs(value) >= 1e-100),
      fc.integer(),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('any'), { maxLength: 6 }),
      map: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('any'), { maxKeys: 6 }),
    })).any;
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 2_000 }), fc.integer({ min: 0, max: 1_000_000 }), async (notes, id) => {
        // Prepare: the notes, and a description filling the item up to the limit by our count
        const item: RuleItem = { ...rule(`sized-${id}`), x_notes: notes, description: '' };
        item.description = 'd'.repeat(MAX_ITEM_BYTES - itemBytes(item));
        expect(itemBytes(item)).toBe(MAX_ITEM_BYTES);
        // Act / Assess
        await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: item }));
      }),
      { numRuns: 25 },
    );
  });
});

describe('13. apply reports each write and goes on past one that fails', () => {
  let target: RulesTables;

  beforeAll(async () => {
    target = await openRulesTables({ endpoint: deployment.endpoint, rulesTable: deployment.tables.RULES_TABLE });
    await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: rule('edited', { priority: 1 }) }));
  });

  afterAll(() => target.close());

  it('13. writes the others when the table refuses one and another was edited meanwhile, and names which landed', async () => {
    // Prepare: an item the table refuses between two it takes, and a change to a rule edited in the console since the plan
    const table = [rule('edited', { priority: 1 })];
    const plan = planRules(
      [rule('first'), rule('too-big', { description: 'd'.repeat(MAX_ITEM_BYTES) }), rule('last'), rule('edited', { priority: 2 })],
      table,
      {
        prune: false,
      },
    );
    await testDocumentClient().send(new PutCommand({ TableName: deployment.tables.RULES_TABLE, Item: rule('edited', { priority: 5 }) }));
    // Act
    const written = await applyPlan(target, plan, { by: 'admin@example.com', at: new Date() });
    const applied: ApplyOutcome = { shows: 'applied', written, plan, replay: { skipped: 'no audit table' } };
    // Assess
    expect(written.map((write) => [write.rule, write.outcome.status])).toEqual([
      ['wiki/first', 'written'],
      ['wiki/too-big', 'failed'],
      ['wiki/last', 'written'],
      ['wiki/edited', 'conflict'],
    ]);
    expect(await tableItem('first')).toBeDefined();
    expect(await tableItem('last')).toBeDefined();
    expect(await tableItem('too-big')).toBeUndefined();
    expect(await tableItem('edited')).toMatchObject({ priority: 5 });
    expect(applyCommand.exitCode(applied)).toBe(1);
    expect(applyCommand.print.human(applied, terminalColours(false)).map((line) => line.text)).toEqual([
      'added wiki/first',
      'not added: wiki/too-big: ValidationException: Item size has exceeded the maximum allowed size',
      'added wiki/last',
      'not changed: wiki/edited changed in the table since the plan (a concurrent edit); run plan again',
      '2 changes written, 1 conflict, 1 failed.',
      'Not written: wiki/too-big, wiki/edited; every other change listed landed.',
    ]);
  });

  it('13. stops trying once the table itself cannot be used, and says which writes were not attempted', async () => {
    // Prepare
    const gone = await openRulesTables({ endpoint: deployment.endpoint, rulesTable: 'no-such-rules-table' });
    const plan = planRules([rule('one'), rule('two')], [], { prune: false });
    // Act
    const written = await applyPlan(gone, plan, { by: 'admin@example.com', at: new Date() });
    gone.close();
    // Assess
    expect(written.map((write) => write.outcome.status)).toEqual(['failed', 'not_attempted']);
    expect(
      applyCommand.print.human({ shows: 'applied', written, plan, replay: { skipped: 'no audit table' } }, terminalColours(false)).map((line) => line.text),
    ).toEqual([
      expect.stringMatching(/^not added: wiki\/one: no such table at http/),
      'not added: wiki/two: not attempted, the table could not be used',
      '0 changes written, 1 failed, 1 not attempted.',
      'Not written: wiki/one, wiki/two; every other change listed landed.',
    ]);
  });
});
