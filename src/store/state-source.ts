import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../runtime/deadline';
import type { Shift, TrainingRecord } from '../rules/evaluate';
import type { ShiftLookup } from '../rules/lookups';
import { storeCall } from './call';

/** On-call shifts and training records that admins or sync jobs write. */
export interface StateSource {
  shifts(lookups: readonly ShiftLookup[], deadline: Deadline): Promise<Shift[]>;
  /** Every training record of each person: one read per person, whatever the number of courses. */
  trainings(emails: readonly string[], deadline: Deadline): Promise<TrainingRecord[]>;
}

export class DynamoStateSource implements StateSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async shifts(lookups: readonly ShiftLookup[], deadline: Deadline): Promise<Shift[]> {
    const lists = await Promise.all(lookups.map((lookup) => this.shiftsOf(lookup, deadline)));
    return lists.flat();
  }

  /** One query per person and schedule; expired shifts TTL away, so the partition stays small. */
  private async shiftsOf({ schedule, email }: ShiftLookup, deadline: Deadline): Promise<Shift[]> {
    const page = await storeCall(`reading on-call shifts of ${schedule}`, deadline, (abortSignal) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :person)',
          ExpressionAttributeValues: { ':pk': `oncall#${schedule}`, ':person': `${email}#` },
          Limit: 100,
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

  private async trainingsOf(email: string, deadline: Deadline): Promise<TrainingRecord[]> {
    const page = await storeCall('reading training records', deadline, (abortSignal) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `training#${email}` },
          Limit: 500,
        }),
        { abortSignal },
      ),
    );
    return (page.Items ?? []).flatMap((item) => {
      const { sk: course, completed_at: completedAt, expires_at: expiresAt } = item;
      if (typeof course !== 'string' || typeof completedAt !== 'string') return [];
      return [{ email, course, completed_at: completedAt, expires_at: typeof expiresAt === 'string' ? expiresAt : null }];
    });
  }
}
