/**
 * Loads the demo into the local tables: the rule files in `rules/` (as `lumos-rules` reads them,
 * docs/rules-as-code.md), and from `fixtures/seed/` shifts and training computed from `now`.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod/mini';
import '../kernel/zod-setup';
import { shiftItem } from '../store/shift-item';
import { trainingItem } from '../store/training-item';

const ROOT = join(__dirname, '..', '..');
const SEED_DIR = join(ROOT, 'fixtures', 'seed');
const RULES_DIR = join(ROOT, 'rules');

const OnCallSeed = z.array(
  z.object({
    schedule: z.string(),
    email: z.string(),
    starts_hours_from_seed: z.number(),
    ends_hours_from_seed: z.number(),
  }),
);

const TrainingSeed = z.array(
  z.object({
    email: z.string(),
    course: z.string(),
    course_name: z.optional(z.string()),
    completed_days_before_seed: z.number(),
  }),
);

export interface SeedTables {
  rules: string;
  state: string;
}

function readSeed(name: string): unknown {
  return JSON.parse(readFileSync(join(SEED_DIR, name), 'utf8'));
}

const RuleFile = z.record(z.string(), z.unknown());

/** One rule item per `.json`, `.yaml` or `.yml` file, folders recursively, test files (`*.test.*`) aside; `$schema` is for editors only. */
function readRuleFiles(dir: string): Record<string, unknown>[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(json|ya?ml)$/i.test(name) && !/\.test\.(json|ya?ml)$/i.test(name))
    .sort();
  return files.map((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const parsed = RuleFile.safeParse(name.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text));
    if (!parsed.success) throw new Error(`${relative(ROOT, join(dir, name))} is not a rule item (run npx lumos-rules check)`);
    const { $schema: _schema, ...item } = parsed.data;
    return item;
  });
}

export function seedItems(now: Date) {
  const hours = (offset: number) => new Date(now.getTime() + offset * 3_600_000);
  const rules = readRuleFiles(RULES_DIR);
  const shifts = OnCallSeed.parse(readSeed('oncall.json')).map((shift) =>
    shiftItem(shift.schedule, shift.email, hours(shift.starts_hours_from_seed), hours(shift.ends_hours_from_seed)),
  );
  const trainings = TrainingSeed.parse(readSeed('training.json')).map((record) =>
    trainingItem(record.email, record.course, hours(-24 * record.completed_days_before_seed), {
      ...(record.course_name === undefined ? {} : { courseName: record.course_name }),
    }),
  );
  return { rules, state: [...shifts, ...trainings] };
}

export async function seed(client: DynamoDBDocumentClient, tables: SeedTables, now: Date): Promise<{ rules: number; state: number }> {
  const items = seedItems(now);
  for (const [table, list] of [
    [tables.rules, items.rules],
    [tables.state, items.state],
  ] as const) {
    for (let start = 0; start < list.length; start += 25) {
      const batch = list.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      await client.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
    }
  }
  return { rules: items.rules.length, state: items.state.length };
}
