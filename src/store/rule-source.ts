import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Deadline } from '../kernel/deadline';
import { parseRuleItem, type RuleEntry } from '../rules/rule-item';
import { queryAll } from './query-all';

/** Rules for an app: its own partition plus `*` (every app). */
export interface RuleSource {
  rulesFor(appId: string, deadline: Deadline): Promise<RuleEntry[]>;
}

export const ALL_APPS = '*';

/** The partitions an app's rules come from: its own and `*`'s (exact ids: no trimming, no case folding). */
export const partitionsFor = (appId: string): string[] => (appId === ALL_APPS ? [ALL_APPS] : [appId, ALL_APPS]);
const MAX_CACHED_APPS = 1_000;

/**
 * Reads rule items with a short in-memory cache per partition, so a warm call costs no rule
 * read, and an admin's edit (disabling a rule in an incident) is live within `cacheMs`.
 */
export class DynamoRuleSource implements RuleSource {
  private readonly cache = new Map<string, { entries: RuleEntry[]; until: number }>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async rulesFor(appId: string, deadline: Deadline): Promise<RuleEntry[]> {
    const lists = await Promise.all(partitionsFor(appId).map((partition) => this.partition(partition, deadline)));
    return lists.flat();
  }

  private async partition(appId: string, deadline: Deadline): Promise<RuleEntry[]> {
    const cached = this.cache.get(appId);
    if (cached && cached.until > this.now()) return cached.entries;
    const entries = (await this.query(appId, deadline)).map(parseRuleItem);
    if (this.cache.size >= MAX_CACHED_APPS) this.cache.clear();
    this.cache.set(appId, { entries, until: this.now() + this.cacheMs });
    return entries;
  }

  private async query(appId: string, deadline: Deadline): Promise<Record<string, unknown>[]> {
    return queryAll(
      this.client,
      { TableName: this.tableName, KeyConditionExpression: 'app_id = :app', ExpressionAttributeValues: { ':app': appId } },
      `reading rules for ${appId}`,
      deadline,
    );
  }
}
