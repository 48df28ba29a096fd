import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../runtime/deadline';
import type { Shift } from '../rules/evaluate';
import type { ShiftLookup } from '../rules/lookups';
import { storeCall } from './call';

/** On-call shifts (and, later, training records) that admins or a sync job write. */
export interface StateSource {
  shifts(lookups: readonly ShiftLookup[], deadline: Deadline): Promise<Shift[]>;
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
}
