/**
 * The JSON Schema of a rule item (schema/rule.schema.json, `npm run schema`), generated from the
 * zod schemas the functions parse rules with, so editors complete and check rule files. Only
 * scripts, tests and the CLI import this: the functions never build these schemas.
 *
 * It may be looser than `parseRuleItem` where JSON Schema cannot say what the parser checks
 * (IANA zones, RE2 patterns, URL templates, nesting depth, trimmed text), never stricter; a rule
 * file may also name this schema in `"$schema"`.
 */
import * as z from 'zod/mini';
import { domainValue, emailValue, LEAF_NAMES, type LeafName, leafSchema, nonEmptyList, who } from './conditions';
import { HttpProvisionerSchema, HttpRequestSpecSchema } from './http-spec';
import { NOTE_ATTRIBUTES, RuleItemSchema } from './rule-item';

export type JsonSchema = z.core.JSONSchema.JSONSchema;

type ConditionName = 'all' | 'any' | 'not' | LeafName;

/** Hover text in editors, from docs/rules.md ("Conditions"); typed so a new leaf needs one. */
const CONDITION_DESCRIPTIONS: Record<ConditionName, string> = {
  all: 'Every condition holds (an empty list holds).',
  any: 'At least one condition holds (an empty list never holds).',
  not: 'The condition does not hold (undecided stays undecided).',
  on_call: 'The person (the target, or with "who": "requester" the requester) has an on-call shift for the schedule now.',
  email_in: 'The target\'s email is listed; or {"values": [...], "who": "target" | "requester"}.',
  email_domain_in: 'The target\'s email domain is listed; or {"values": [...], "who": "target" | "requester"}.',
  permission_in: 'Every requested permission value is listed.',
  access_length_at_most: 'Access is time-bound and at most this many seconds; unlimited access fails.',
  self_request: 'The requester is (true) or is not (false) the target.',
  custom_field: 'The intake field\'s answer equals a string, is in a list or matches an RE2 pattern, or ("present") was answered at all: exactly one of these.',
  time_window: 'Local time in the IANA zone "tz" is in [from, to) on one of the days (every day when "days" is left out).',
  training: 'The person completed the course, not expired, and (with "within_days") within that many days.',
};

const ATTRIBUTE_DESCRIPTIONS: Record<string, string> = {
  $schema: 'This JSON Schema, for editors; not part of the rule.',
  app_id: 'The Lumos application.app_id the rule is for; "*" applies to every app.',
  rule_id: 'Any name, unique within the app; it appears in replies, logs and the audit trail.',
  kind: 'pre_approval, request_validation or provisioning.',
  enabled: 'false switches the rule off.',
  priority: 'Higher first: orders the trace and picks which allow rule is reported.',
  permissions: 'Permission values the rule is limited to.',
  when: 'The condition tree (required except in provisioning rules; {"all": []} matches every request).',
  effect: 'What a matching pre_approval rule does (required in pre_approval rules).',
  message: 'What the requester reads when a request_validation rule fails.',
  provisioner: '"ledger" or an http spec (required in provisioning rules).',
  mode: '"shadow" evaluates and audits the rule but never lets it decide.',
};

/** A clock as parseClock reads it (hours and minutes are range-checked there). */
const CLOCK_PATTERN = '^\\s*[0-9]{1,2}:[0-5][0-9]\\s*$';

/** Whether a condition tree names on_call or training anywhere: provisioning rules cannot read them. */
const READS_STATE: JsonSchema = {
  type: 'object',
  anyOf: [
    { required: ['on_call'] },
    { required: ['training'] },
    { required: ['all'], properties: { all: { type: 'array', contains: { $ref: '#/definitions/reads_state' } } } },
    { required: ['any'], properties: { any: { type: 'array', contains: { $ref: '#/definitions/reads_state' } } } },
    { required: ['not'], properties: { not: { $ref: '#/definitions/reads_state' } } },
  ],
};

export function ruleJsonSchema(): JsonSchema {
  const registry = z.registry<{ id?: string; description?: string }>();
  // email_in / email_domain_in pick their form by shape in code (conditions.ts), which zod cannot convert: the two forms, from the same parts.
  const emailForms = (entry: z.ZodMiniType<string, string>) => {
    const list = nonEmptyList(entry);
    return z.union([list, z.strictObject({ values: list, who })]);
  };
  const leaves: Record<LeafName, z.ZodMiniType> = {
    ...(Object.fromEntries(LEAF_NAMES.map((name): [LeafName, z.ZodMiniType] => [name, leafSchema(name)])) as Record<LeafName, z.ZodMiniType>),
    email_in: emailForms(emailValue),
    email_domain_in: emailForms(domainValue),
  };

  const condition: z.ZodMiniType = z.lazy(() => conditionNode);
  // One object whose every property is a condition, exactly one present (below): an editor then completes the names and marks a typo as the key it is.
  const conditionNode = z.strictObject({
    all: z.optional(z.array(condition)),
    any: z.optional(z.array(condition)),
    not: z.optional(condition),
    ...Object.fromEntries(Object.entries(leaves).map(([name, schema]) => [name, z.optional(schema)])),
  });
  registry.add(condition, { id: 'condition', description: 'A condition: an object with exactly one key.' });

  const httpProvisioner = HttpProvisionerSchema._zod.innerType;
  const httpRequest = HttpRequestSpecSchema._zod.innerType;
  registry.add(httpProvisioner, { id: 'http_provisioner', description: 'Calls an API to provision and to deprovision, then records the grant.' });
  registry.add(httpRequest, { id: 'http_request' });
  // The body's recursive template (inside its "__proto__" check), named rather than numbered.
  registry.add(httpRequest.shape.body.def.innerType.def.out, { id: 'json_template' });
  // ProvisionerSpecSchema reads "ledger" in code: its accepted forms, spelt out.
  const provisioner = z.union([z.literal('ledger'), z.strictObject({ type: z.literal('ledger') }), httpProvisioner]);
  registry.add(provisioner, { id: 'provisioner' });

  const { shape } = RuleItemSchema.def.in;
  const notes = [...NOTE_ATTRIBUTES].filter((name) => !(name in shape)).map((name) => [name, z.optional(z.unknown())] as const);
  const item = z.strictObject({
    $schema: z.optional(z.string()),
    ...shape,
    when: z.optional(condition),
    provisioner: z.optional(provisioner),
    ...Object.fromEntries(notes),
  });

  const json = z.toJSONSchema(item, {
    target: 'draft-07',
    io: 'input',
    metadata: registry,
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === conditionNode) Object.assign(jsonSchema, { minProperties: 1, maxProperties: 1 });
      if (zodSchema === leafSchema('custom_field')) {
        Object.assign(jsonSchema, {
          oneOf: ['equals', 'in', 'matches', 'present'].map((test) => ({ required: [test] })),
          dependencies: { ignore_case: { anyOf: [{ required: ['equals'] }, { required: ['in'] }] } },
        });
      }
      if (zodSchema === leafSchema('time_window')) {
        for (const clock of ['from', 'to']) Object.assign(property(jsonSchema, clock), { pattern: CLOCK_PATTERN });
      }
      if (zodSchema === httpRequest) {
        Object.assign(property(jsonSchema, 'url'), { pattern: '^https?://' });
        Object.assign(jsonSchema, ifThen({ required: ['method'], properties: { method: { const: 'GET' } } }, { not: { required: ['body'] } }));
      }
    },
  }) as JsonSchema;

  for (const name of NOTE_ATTRIBUTES) property(json, name).description = 'For people; the functions ignore it.';
  for (const [name, description] of Object.entries(ATTRIBUTE_DESCRIPTIONS)) property(json, name).description = description;
  const definitions: Record<string, JsonSchema> = { ...(json.definitions as Record<string, JsonSchema>), reads_state: READS_STATE };
  const conditionJson = definitions.condition;
  if (conditionJson === undefined) throw new Error('the condition schema was not extracted');
  for (const [name, description] of Object.entries(CONDITION_DESCRIPTIONS)) describeProperty(conditionJson, name, description);

  return {
    $schema: json.$schema,
    $comment: 'Generated from src/rules by `npm run schema`; do not edit.',
    title: 'Rule item',
    description: 'One item of the rules table (docs/rules.md, docs/provisioning.md).',
    type: 'object',
    required: json.required,
    properties: json.properties,
    patternProperties: { '^x_': { description: 'For people; the functions ignore it.' } },
    additionalProperties: false,
    allOf: [
      ifThen(
        { required: ['kind'], properties: { kind: { const: 'provisioning' } } },
        { required: ['provisioner'], properties: { when: { not: { $ref: '#/definitions/reads_state' } } } },
        { required: ['when'] },
      ),
      ifThen({ required: ['kind'], properties: { kind: { const: 'pre_approval' } } }, { required: ['effect'] }),
    ],
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function ifThen(condition: JsonSchema, then: JsonSchema, otherwise?: JsonSchema): JsonSchema {
  return otherwise === undefined ? { if: condition, then } : { if: condition, then, else: otherwise };
}

function property(schema: JsonSchema, name: string): JsonSchema {
  const found = schema.properties?.[name];
  if (typeof found !== 'object') throw new Error(`no property ${name} in the generated schema`);
  return found;
}

/** A description beside a $ref is ignored in draft-07, so such a property is wrapped in allOf. */
function describeProperty(schema: JsonSchema, name: string, description: string): void {
  const target = property(schema, name);
  if (target.$ref === undefined) {
    target.description = description;
    return;
  }
  const properties = schema.properties as Record<string, JsonSchema>;
  properties[name] = { description, allOf: [{ $ref: target.$ref }] };
}

/** The file's text: the generated key order, 2-space indentation, a final newline. */
export function ruleJsonSchemaText(): string {
  return `${JSON.stringify(ruleJsonSchema(), null, 2)}\n`;
}
