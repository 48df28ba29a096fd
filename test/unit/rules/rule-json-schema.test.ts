/**
 * schema/rule.schema.json: committed as generated, read by an editor-style validator (Ajv) the way
 * an editor reads it, and never stricter than parseRuleItem for an item the functions accept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONDITION_NAMES } from '../../../src/rules/conditions';
import { parseRuleItem } from '../../../src/rules/rule-item';
import { ruleJsonSchemaText } from '../../../src/rules/rule-json-schema';
import { ruleItem } from '../../support/rules';

const ROOT = join(__dirname, '..', '..', '..');
const committed = readFileSync(join(ROOT, 'schema', 'rule.schema.json'), 'utf8');
const warnings: unknown[] = [];
const ajv = new Ajv({
  allErrors: true,
  logger: { log: () => {}, warn: (...args: unknown[]) => warnings.push(args), error: (...args: unknown[]) => warnings.push(args) },
});
const validate = ajv.compile(JSON.parse(committed) as object);

function errorsOf(item: unknown): ErrorObject[] {
  return validate(item) ? [] : (validate.errors ?? []);
}

/** Rule items in the ```json blocks of the docs, and condition trees wrapped in one. */
function docExamples(file: string): { name: string; item: Record<string, unknown> }[] {
  const blocks = [...readFileSync(join(ROOT, 'docs', file), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].flatMap((match, index) => {
    try {
      return [{ index, block: JSON.parse(match[1] as string) as Record<string, unknown> }];
    } catch {
      return [];
    }
  });
  return blocks.flatMap(({ index, block }) => {
    const keys = Object.keys(block);
    if ('rule_id' in block && 'kind' in block) return [{ name: `${file} block ${index}`, item: block }];
    if (keys.length === 1 && CONDITION_NAMES.includes(keys[0] as string)) return [{ name: `${file} block ${index}`, item: ruleItem({ when: block }) }];
    return [];
  });
}

/** Every condition, in each form the parser accepts. */
const CONDITIONS: Record<string, unknown>[] = [
  { all: [] },
  { all: [{ self_request: true }, { any: [] }] },
  { any: [{ permission_in: ['read'] }, { not: { self_request: false } }] },
  { not: { not: { access_length_at_most: 0 } } },
  { on_call: { schedule: 'payments-oncall' } },
  { on_call: { schedule: 'payments-oncall', who: 'requester' } },
  { email_in: ['a@example.com'] },
  { email_in: { values: [' A@Example.com'], who: 'requester' } },
  { email_in: { values: ['a@example.com'] } },
  { email_domain_in: ['example.com', '@contractors.example.com'] },
  { email_domain_in: { values: ['example.com'], who: 'target' } },
  { permission_in: ['read-only', 'viewer'] },
  { access_length_at_most: 43200 },
  { access_length_at_most: 0.5 },
  { self_request: true },
  { custom_field: { name: 'employment_type', equals: 'Contractor', ignore_case: true } },
  { custom_field: { name: 'team', in: ['sre', ''], ignore_case: false } },
  { custom_field: { name: 'ticket', matches: '^INC-[0-9]+$' } },
  { custom_field: { name: 'ticket', present: false } },
  { time_window: { days: ['mon', 'fri'], from: '09:00', to: '18:00', tz: 'Europe/Berlin' } },
  { time_window: { from: ' 22:00', to: '6:00 ', tz: 'UTC' } },
  { time_window: { from: '00:00', to: '24:00', tz: 'America/New_York' } },
  { training: { course: 'security-awareness' } },
  { training: { course: 'security-awareness', within_days: 365, who: 'requester' } },
];

const HTTP_PROVISIONER = {
  type: 'http',
  name: 'Design Tool licences',
  secret: 'lumos-connectors/design-tool',
  provision: {
    method: 'POST',
    url: 'https://api.designtool.example.com/v2/users/{target.email}/licences?sku={permission.value}',
    body: { sku: '{permission.value}', seats: 1, trial: false, tags: ['{custom_fields.team}', null] },
    headers: { 'X-Reason': '{custom_fields.justification}' },
  },
  deprovision: { method: 'DELETE', url: 'http://localhost:8080/users/{target.email}' },
};

/** Valid items beyond the conditions: every kind, provisioner form and optional attribute. */
const ITEMS: { name: string; item: Record<string, unknown> }[] = [
  {
    name: 'a shadow deny rule, limited and disabled',
    item: ruleItem({ effect: 'deny', permissions: ['admin'], mode: 'shadow', enabled: false, priority: -5 }),
  },
  {
    name: 'notes for people',
    item: ruleItem({ description: 'd', notes: ['any', 'value'], note: 1, ticket: 'INC-1', owner: 'sre', created_by: 'a', created_at: 'b', x_reviewed: true }),
  },
  { name: 'updated_* and a message', item: ruleItem({ updated_by: 'alice@example.com', updated_at: '2026-11-23T02:00:00Z', message: 'unused here' }) },
  {
    name: 'a request_validation rule',
    item: ruleItem({ kind: 'request_validation', effect: undefined, message: 'Complete {course} before requesting {app}.' }),
  },
  { name: 'a "ledger" provisioning rule without when', item: ruleItem({ kind: 'provisioning', effect: undefined, when: undefined, provisioner: 'ledger' }) },
  {
    name: 'a {"type": "ledger"} provisioning rule with when',
    item: ruleItem({ kind: 'provisioning', effect: undefined, when: { self_request: false }, provisioner: { type: 'ledger' } }),
  },
  { name: 'an http provisioning rule', item: ruleItem({ kind: 'provisioning', effect: undefined, when: undefined, provisioner: HTTP_PROVISIONER }) },
  {
    name: 'an http provisioner with a GET request and no name',
    item: ruleItem({
      kind: 'provisioning',
      provisioner: { ...HTTP_PROVISIONER, name: undefined, provision: { method: 'GET', url: 'https://api.example.com/grant' } },
    }),
  },
];

describe('schema/rule.schema.json', () => {
  it('is the schema generated from src/rules', () => {
    // Act
    const generated = ruleJsonSchemaText();
    // Assess
    expect(committed, 'schema/rule.schema.json is stale: run `npm run schema` and commit it').toBe(generated);
  });

  it('is generated by code no function bundles', () => {
    // Prepare: every module of src/ but the generator and the CLIs.
    const modules = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.startsWith('cli/') && file !== join('rules', 'rule-json-schema.ts'),
    );
    // Act
    const importers = modules.filter((file) => readFileSync(join(ROOT, 'src', file), 'utf8').includes('rule-json-schema'));
    // Assess
    expect(importers).toEqual([]);
  });

  it('compiles in Ajv without warnings', () => {
    // Assess
    expect(warnings).toEqual([]);
  });
});

describe('the rule JSON Schema in an editor', () => {
  // The demo's rule files (rules/*.yaml), as an editor opens them.
  const seed = readdirSync(join(ROOT, 'rules'))
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.test.yaml'))
    .map((name) => parseYaml(readFileSync(join(ROOT, 'rules', name), 'utf8')) as Record<string, unknown>);
  const examples = [...seed.map((item) => ({ name: `seed ${String(item.rule_id)}`, item })), ...docExamples('rules.md'), ...docExamples('provisioning.md')];

  it('finds the seed rules and the docs examples', () => {
    // Assess: the seed rules, and the docs' rule items and condition trees, were all read.
    expect(examples.length).toBeGreaterThanOrEqual(seed.length + 6);
  });

  it.each(examples)('accepts $name, as parseRuleItem does', ({ item }) => {
    // Act
    const parsed = parseRuleItem(item);
    // Assess
    expect(parsed.valid).toBe(true);
    expect(errorsOf(item)).toEqual([]);
  });

  it('accepts the "$schema" line of a rule file', () => {
    // Prepare
    const item = ruleItem({ $schema: '../schema/rule.schema.json' });
    // Act
    const errors = errorsOf(item);
    // Assess
    expect(errors).toEqual([]);
  });

  it.each([
    {
      name: 'a misspelt condition',
      item: ruleItem({ when: { all: [{ oncal: { schedule: 'x' } }] } }),
      expected: { instancePath: '/when/all/0', keyword: 'additionalProperties', params: { additionalProperty: 'oncal' } },
    },
    {
      name: 'an unknown top-level attribute',
      item: ruleItem({ enabeld: false }),
      expected: { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'enabeld' } },
    },
    { name: 'a wrong kind', item: ruleItem({ kind: 'preapproval' }), expected: { instancePath: '/kind', keyword: 'enum' } },
    {
      name: 'an http provisioner without its url',
      item: ruleItem({ kind: 'provisioning', provisioner: { ...HTTP_PROVISIONER, provision: { method: 'POST' } } }),
      expected: { instancePath: '/provisioner/provision', keyword: 'required', params: { missingProperty: 'url' } },
    },
    {
      name: 'a condition with two keys',
      item: ruleItem({ when: { self_request: true, permission_in: ['read'] } }),
      expected: { instancePath: '/when', keyword: 'maxProperties' },
    },
    {
      name: 'a custom_field with two tests',
      item: ruleItem({ when: { custom_field: { name: 'ticket', equals: 'a', present: true } } }),
      expected: { instancePath: '/when/custom_field', keyword: 'oneOf' },
    },
    {
      name: 'ignore_case with a pattern',
      item: ruleItem({ when: { custom_field: { name: 'ticket', matches: 'a', ignore_case: true } } }),
      expected: { instancePath: '/when/custom_field', keyword: 'anyOf' },
    },
    {
      name: 'a clock written "9am"',
      item: ruleItem({ when: { time_window: { from: '9am', to: '17:00', tz: 'UTC' } } }),
      expected: { instancePath: '/when/time_window/from', keyword: 'pattern' },
    },
    {
      name: 'a pre_approval rule without effect',
      item: ruleItem({ effect: undefined }),
      expected: { keyword: 'required', params: { missingProperty: 'effect' } },
    },
    { name: 'a rule without when', item: ruleItem({ when: undefined }), expected: { keyword: 'required', params: { missingProperty: 'when' } } },
    {
      name: 'a provisioning rule without provisioner',
      item: ruleItem({ kind: 'provisioning', effect: undefined }),
      expected: { keyword: 'required', params: { missingProperty: 'provisioner' } },
    },
    {
      name: 'a provisioning rule reading on-call state',
      item: ruleItem({ kind: 'provisioning', provisioner: 'ledger', when: { any: [{ not: { on_call: { schedule: 'x' } } }] } }),
      expected: { instancePath: '/when', keyword: 'not' },
    },
    {
      name: 'a GET request with a body',
      item: ruleItem({ kind: 'provisioning', provisioner: { ...HTTP_PROVISIONER, deprovision: { method: 'GET', url: 'https://a.example.com', body: {} } } }),
      expected: { instancePath: '/provisioner/deprovision', keyword: 'not' },
    },
    {
      name: 'a ledger provisioner with settings',
      item: ruleItem({ kind: 'provisioning', provisioner: { type: 'ledger', table: 'grants' } }),
      expected: { instancePath: '/provisioner', keyword: 'anyOf' },
    },
  ])('flags $name where it is, as parseRuleItem does', ({ item, expected }) => {
    // Act
    const errors = errorsOf(item);
    // Assess
    expect(parseRuleItem(item).valid).toBe(false);
    expect(errors).toContainEqual(expect.objectContaining(expected));
  });
});

describe('the rule JSON Schema against parseRuleItem', () => {
  it('covers every condition name', () => {
    // Assess
    const named = new Set(CONDITIONS.flatMap((condition) => Object.keys(condition)));
    expect([...named].sort()).toEqual([...CONDITION_NAMES].sort());
  });

  it.each([...CONDITIONS.map((when) => ({ name: JSON.stringify(when), item: ruleItem({ when }) })), ...ITEMS])(
    'accepts $name, which parseRuleItem accepts',
    ({ item }) => {
      // Act
      const parsed = parseRuleItem(item);
      // Assess
      expect(parsed.valid ? [] : parsed.invalid.problems).toEqual([]);
      expect(errorsOf(item)).toEqual([]);
    },
  );

  it('accepts any tree of valid conditions that parseRuleItem accepts', () => {
    // Prepare: trees of the table's conditions, in every kind of rule.
    const leaf = fc.constantFrom(...CONDITIONS);
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { maxDepth: 6 },
        leaf,
        fc.array(tie('tree'), { maxLength: 3 }).map((all) => ({ all })),
        fc.array(tie('tree'), { maxLength: 3 }).map((any) => ({ any })),
        tie('tree').map((not) => ({ not })),
      ),
    }));
    const kind = fc.constantFrom<Record<string, unknown>>(
      { kind: 'pre_approval', effect: 'deny' },
      { kind: 'request_validation', effect: undefined },
      { kind: 'provisioning', effect: undefined, provisioner: 'ledger' },
    );
    fc.assert(
      fc.property(tree, kind, (when, attributes) => {
        // Act
        const item = ruleItem({ ...attributes, when });
        const parsed = parseRuleItem(item);
        // Assess: the schema may be looser (nesting depth), never stricter.
        if (parsed.valid) expect(errorsOf(item)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
