/**
 * Rule items grouped as the functions read them: by their exact `app_id` partition, so a call is
 * decided with its app's rules and `*`'s only (src/store/rule-source.ts). An item whose `app_id`
 * differs from an app's only by spaces is in another partition: the functions never read it for
 * that app, and neither does a replay.
 */
import { parseRuleItem, type RuleEntry } from '../../../rules/rule-item';
import { partitionsFor } from '../../../store/rule-source';
import type { RuleItem } from './rule-table';

export class RulesByApp {
  private readonly partitions = new Map<string, RuleEntry[]>();

  constructor(items: readonly RuleItem[]) {
    for (const item of items) {
      const partition = item.app_id;
      this.partitions.set(partition, [...(this.partitions.get(partition) ?? []), parseRuleItem(item)]);
    }
  }

  for(appId: string): RuleEntry[] {
    return partitionsFor(appId).flatMap((partition) => this.partitions.get(partition) ?? []);
  }
}
