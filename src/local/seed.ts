/** Loads `fixtures/seed/` into the local tables: demo rules, and shifts and training computed from `now`. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../lumos/zod-setup';
import { shiftItem } from '../store/shift-item';
import { trainingItem } from '../store/training-item';

const SEED_DIR = join(__dirname, '..', '..', 'fixtures', 'seed');

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

export function seedItems(now: Date) {
  const hours = (offset: number) => new Date(now.getTime() + offset * 3_600_000);
  const rules = z.array(z.record(z.string(), z.unknown())).parse(readSeed('rules.json'));
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
