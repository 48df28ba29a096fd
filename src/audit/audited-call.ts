/**
 * An audit item read back (by the rules CLI: `plan`'s replay, `explain --request`): the fields a
 * decision can be made again from, checked, since anything may sit in a table. Never imported by
 * the functions, so its schemas cost them nothing at load.
 */
import * as z from 'zod/mini';
import '../kernel/zod-setup';
import { WEBHOOK_KINDS } from '../lumos/payload';
import { RECORDED_FACTS_VERSION } from './recorded-facts';

const customFieldValue = z.union([z.string(), z.array(z.string())]);

const RecordedFactsSchema = z.object({
  v: z.literal(RECORDED_FACTS_VERSION),
  now: z.iso.datetime(),
  access_length: z.nullable(z.number()),
  custom_fields: z.record(z.string(), customFieldValue),
  labels: z.optional(z.object({ app: z.string(), permission: z.string() })),
  on_call: z.object({
    looked_up: z.array(z.tuple([z.string(), z.string()])),
    // Items recorded before sources were synced hold four fields: hand-written shifts, no level.
    found: z.array(
      z.union([
        z.tuple([z.string(), z.string(), z.string(), z.string(), z.nullable(z.string()), z.nullable(z.number())]),
        z.tuple([z.string(), z.string(), z.string(), z.string()]),
      ]),
    ),
    sources: z.optional(z.array(z.tuple([z.string(), z.string(), z.nullable(z.string()), z.number()]))),
  }),
  training: z.object({
    looked_up: z.array(z.string()),
    found: z.array(z.tuple([z.string(), z.string(), z.string(), z.nullable(z.string())])),
  }),
});

const OmittedFactsSchema = z.object({ v: z.literal(RECORDED_FACTS_VERSION), omitted: z.string() });

const ResultSchema = z.object({
  permission: z.string(),
  status: z.string(),
  rule_id: z.optional(z.string()),
  provisioner: z.optional(z.string()),
});

export const AuditedCallSchema = z.object({
  kind: z.enum(WEBHOOK_KINDS),
  app_id: z.string(),
  at: z.string(),
  subject: z.nullable(z.string()),
  requester: z.nullable(z.string()),
  permissions: z.array(z.string()),
  decision: z.string(),
  rule_id: z.optional(z.string()),
  /** What a blocked requester read. */
  message: z.optional(z.string()),
  results: z.optional(z.array(ResultSchema)),
  /** Read by `readFacts`, so unreadable facts leave the rest of the item readable. */
  facts: z.optional(z.unknown()),
  request_task_url: z.optional(z.nullable(z.string())),
  request_id: z.string(),
});

export type AuditedCall = z.output<typeof AuditedCallSchema>;
export type AuditedResult = z.output<typeof ResultSchema>;
export type ReadFacts = z.output<typeof RecordedFactsSchema>;

export type FactsOnRecord = { status: 'recorded'; facts: ReadFacts } | { status: 'not_recorded'; why: string };

/** The call's recorded facts; items written before facts were recorded have none. */
export function readFacts(call: AuditedCall): FactsOnRecord {
  if (call.facts === undefined) return { status: 'not_recorded', why: 'facts not recorded (the call predates recorded facts, or failed before its rules ran)' };
  const recorded = RecordedFactsSchema.safeParse(call.facts);
  if (recorded.success) {
    const fields = customFieldsOf(call.facts);
    if (fields === null) return { status: 'not_recorded', why: 'facts not recorded (unreadable)' };
    return { status: 'recorded', facts: { ...recorded.data, custom_fields: fields } };
  }
  const omitted = OmittedFactsSchema.safeParse(call.facts);
  if (omitted.success) return { status: 'not_recorded', why: `facts not recorded (${omitted.data.omitted})` };
  return { status: 'not_recorded', why: 'facts not recorded (unreadable)' };
}

/**
 * The recorded intake answers with every name kept: zod's record leaves a `__proto__` key out,
 * and an intake field may be named so (the call decided with it). Null when one is not an answer.
 */
function customFieldsOf(facts: unknown): Record<string, string | string[]> | null {
  const recorded = (facts as { custom_fields: object }).custom_fields;
  const fields = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of Object.entries(recorded)) {
    const answer = customFieldValue.safeParse(value);
    if (!answer.success) return null;
    fields[name] = answer.data;
  }
  return fields;
}

/** The item as an audited call, or why it is not one. */
export function readAuditedCall(item: unknown): { ok: true; call: AuditedCall } | { ok: false; problem: string } {
  const parsed = AuditedCallSchema.safeParse(item);
  if (parsed.success) return { ok: true, call: parsed.data };
  const [issue] = parsed.error.issues;
  return { ok: false, problem: issue ? `${issue.path.join('.') || 'item'}: ${issue.message}` : 'unreadable' };
}
