import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../runtime/deadline';
import type { Shift, TrainingRecord } from '../rules/evaluate';
import type { ShiftLookup } from '../rules/lookups';
import { storeCall } from './call';

/** On-call shifts and training records that admins or sync jobs write. */
export interface StateSource {
  /** Shifts of each (schedule, person) that started by `now`, newest first. */
  shifts(lookups: readonly ShiftLookup[], now: Date, deadline: Deadline): Promise<Shift[]>;
  /** Every training record of each person: one read per person, whatever the number of courses. */
  trainings(emails: readonly string[], deadline: Deadline): Promise<TrainingRecord[]>;
}

export class DynamoStateSource implements StateSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async shifts(lookups: readonly ShiftLookup[], now: Date, deadline: Deadline): Promise<Shift[]> {
    const lists = await Promise.all(lookups.map((lookup) => this.shiftsOf(lookup, now, deadline)));
    return lists.flat();
  }

  /**
   * One query per person and schedule: the latest shifts that started by now (sort keys end in
   * the start time), so past shifts that TTL has not yet removed, or future ones a sync job wrote
   * ahead, never crowd out the current one. A few are read in case shifts overlap.
   */
  private async shiftsOf({ schedule, email }: ShiftLookup, now: Date, deadline: Deadline): Promise<Shift[]> {
    const page = await storeCall(`reading on-call shifts of ${schedule}`, deadline, (abortSignal) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: { ':pk': `oncall#${schedule}`, ':first': `${email}#`, ':last': `${email}#${now.toISOString()}` },
          ScanIndexForward: false,
          Limit: 10,
        }),
        { abortSignal },
      ),
    );
    return (page.Items ?? []).flatMap((item) => {
      const { starts_at: startsAt, ends_at: endsAt } = item;
      if (typeof startsAt !== 'string' || typeof endsAt !== 'string') return [];
      return [{ schedule, email, starts_at: startsAt, ends_at: endsAt }];
    });
  }

  async trainings(emails: readonly string[], deadline: Deadline): Promise<TrainingRecord[]> {
    const lists = await Promise.all(emails.map((email) => this.trainingsOf(email, deadline)));
    return lists.flat();
  }

  /** Every course of the person (one page in practice; later pages are read too). */
  private async trainingsOf(email: string, deadline: Deadline): Promise<TrainingRecord[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await storeCall('reading training records', deadline, (abortSignal) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `training#${email}` },
            ExclusiveStartKey: startKey,
          }),
          { abortSignal },
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.flatMap((item) => {
      const { sk: course, completed_at: completedAt, expires_at: expiresAt } = item;
      if (typeof course !== 'string' || typeof completedAt !== 'string') return [];
      return [{ email, course, completed_at: completedAt, expires_at: typeof expiresAt === 'string' ? expiresAt : null }];
    });
  }
}
