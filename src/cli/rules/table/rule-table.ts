/**
 * Rule items in the rules table, read whole and written one at a time, each write conditional on
 * the item being exactly as the plan saw it: a concurrent edit (in the console, or another
 * apply) is never overwritten silently, it is reported as a conflict.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { KNOWN_ATTRIBUTES, NOTE_ATTRIBUTES } from '../../../rules/rule-item';
import { tableError } from '../../shared/table-error';
import type { RulesTables } from './rules-tables';
import { scanPages } from './scan-pages';
import { isPlainRecord } from './table-values';

/**
 * A rule item as it is stored: its key (the table's, so two strings) and whatever else it holds,
 * unread until `parseRuleItem` reads it. A parsed `RuleEntry` is not one.
 */
export interface RuleItem {
  app_id: string;
  rule_id: string;
  [attribute: string]: unknown;
}

/** An item the table can hold: a rule file's, when its key is two strings (`check` refuses it otherwise). */
export const isRuleItem = (item: Record<string, unknown>): item is RuleItem => typeof item.app_id === 'string' && typeof item.rule_id === 'string';

/** Attributes taken from `item` (filtered, reordered), as a rule item again: with `item`'s key, where the attributes have it. */
export const keyedAs = (item: RuleItem, attributes: Record<string, unknown>): RuleItem => ({ ...attributes, app_id: item.app_id, rule_id: item.rule_id });

/** `<app_id>/<rule_id>`, as plan and apply print a rule. */
export const ruleName = (item: RuleItem): string => `${item.app_id}/${item.rule_id}`;
/** The table's key, unambiguous whatever the ids hold. */
export const ruleKey = (item: RuleItem): string => JSON.stringify([item.app_id, item.rule_id]);

/**
 * Numbers as JavaScript numbers where that is exact; a number beyond a double's precision (an
 * id typed into a note in the console) stays a `NumberValue`, so it is never rounded: it then
 * differs from whatever a file holds, and export refuses it (src/cli/rules/table/table-values.ts).
 */
function exactNumbers(value: unknown): unknown {
  if (value instanceof NumberValue) {
    const number = Number(value.value);
    return Number.isFinite(number) && (Number.isSafeInteger(number) || (!Number.isInteger(number) && String(number) === value.value)) ? number : value;
  }
  if (Array.isArray(value)) return value.map(exactNumbers);
  if (isPlainRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, exactNumbers(inner)]));
  return value;
}

export async function readRuleTable(db: RulesTables): Promise<RuleItem[]> {
  const items: RuleItem[] = [];
  try {
    for await (const page of scanPages(db.ruleDocuments, { TableName: db.rulesTable })) {
      // The table's key schema makes app_id and rule_id strings on every item.
      items.push(...(page.Items ?? []).map((item) => exactNumbers(item) as RuleItem));
    }
  } catch (error) {
    throw tableError(error, `reading the rules table ${db.rulesTable}`, db.where);
  }
  return items;
}

/**
 * The item as it was: every attribute it had, unchanged, and none of the rule's attributes it
 * lacked added since (a console edit adding `"enabled": false` counts); `null`: still absent.
 */
function unchanged(expected: RuleItem | null) {
  if (expected === null) return { ConditionExpression: 'attribute_not_exists(app_id)' };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  const name = (attribute: string) => {
    const placeholder = `#a${Object.keys(names).length}`;
    names[placeholder] = attribute;
    return placeholder;
  };
  for (const [attribute, value] of Object.entries(expected)) {
    const placeholder = `:v${Object.keys(values).length}`;
    values[placeholder] = value;
    clauses.push(`${name(attribute)} = ${placeholder}`);
  }
  for (const attribute of [...KNOWN_ATTRIBUTES, ...NOTE_ATTRIBUTES]) {
    if (!Object.hasOwn(expected, attribute)) clauses.push(`attribute_not_exists(${name(attribute)})`);
  }
  return { ConditionExpression: clauses.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * `unseen`: attributes the item had that the plan never saw (added in the console since, outside
 * the rule's own attributes, which the condition covers): the write replaced them, and says so.
 * `failed`: DynamoDB refused the write for another reason, named; `tableUnusable` when the table
 * itself cannot be used, so no further write is tried.
 */
export type WriteOutcome = { status: 'written'; unseen: string[] } | { status: 'conflict' } | { status: 'failed'; reason: string; tableUnusable: boolean };

export async function putRule(db: RulesTables, item: RuleItem, expected: RuleItem | null): Promise<WriteOutcome> {
  return conditionally(db, `writing rule ${ruleName(item)}`, expected, () =>
    db.ruleDocuments.send(new PutCommand({ TableName: db.rulesTable, Item: item, ReturnValues: 'ALL_OLD', ...unchanged(expected) })),
  );
}

export async function deleteRule(db: RulesTables, expected: RuleItem): Promise<WriteOutcome> {
  return conditionally(db, `removing rule ${ruleName(expected)}`, expected, () =>
    db.ruleDocuments.send(
      new DeleteCommand({
        TableName: db.rulesTable,
        Key: { app_id: expected.app_id, rule_id: expected.rule_id },
        ReturnValues: 'ALL_OLD',
        ...unchanged(expected),
      }),
    ),
  );
}

async function conditionally(
  db: RulesTables,
  what: string,
  expected: RuleItem | null,
  write: () => Promise<{ Attributes?: Record<string, unknown> }>,
): Promise<WriteOutcome> {
  try {
    const { Attributes: before = {} } = await write();
    return { status: 'written', unseen: Object.keys(before).filter((attribute) => expected === null || !Object.hasOwn(expected, attribute)) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { status: 'conflict' };
    const failure = tableError(error, what, db.where);
    return { status: 'failed', reason: failure.detail, tableUnusable: failure.tableUnusable };
  }
}
