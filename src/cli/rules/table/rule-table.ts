/**
 * Rule items in the rules table, read whole and written one at a time, each write conditional on
 * the item being exactly as the plan saw it: a concurrent edit (in the console, or another
 * apply) is never overwritten silently, it is reported as a conflict.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { KNOWN_ATTRIBUTES, NOTE_ATTRIBUTES } from '../../../rules/rule-item';
import type { Target } from './target';
import { targetError } from './target-error';

export type RuleItem = Record<string, unknown>;

/** `<app_id>/<rule_id>`, as plan and apply print a rule. */
export const ruleName = (item: RuleItem): string => `${String(item.app_id)}/${String(item.rule_id)}`;
/** The table's key, unambiguous whatever the ids hold. */
export const ruleKey = (item: RuleItem): string => JSON.stringify([item.app_id, item.rule_id]);

export async function readRuleTable(target: Target): Promise<RuleItem[]> {
  const items: RuleItem[] = [];
  let start: Record<string, unknown> | undefined;
  try {
    do {
      const page = await target.documents.send(new ScanCommand({ TableName: target.rulesTable, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  } catch (error) {
    throw targetError(error, `reading the rules table ${target.rulesTable}`, target.where);
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

export type WriteOutcome = 'written' | 'conflict';

export async function putRule(target: Target, item: RuleItem, expected: RuleItem | null): Promise<WriteOutcome> {
  return conditionally(target, `writing rule ${ruleName(item)}`, () =>
    target.documents.send(new PutCommand({ TableName: target.rulesTable, Item: item, ...unchanged(expected) })),
  );
}

export async function deleteRule(target: Target, expected: RuleItem): Promise<WriteOutcome> {
  return conditionally(target, `removing rule ${ruleName(expected)}`, () =>
    target.documents.send(
      new DeleteCommand({ TableName: target.rulesTable, Key: { app_id: expected.app_id, rule_id: expected.rule_id }, ...unchanged(expected) }),
    ),
  );
}

async function conditionally(target: Target, what: string, write: () => Promise<unknown>): Promise<WriteOutcome> {
  try {
    await write();
    return 'written';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'conflict';
    throw targetError(error, what, target.where);
  }
}
