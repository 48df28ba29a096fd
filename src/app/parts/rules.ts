import { DynamoRuleSource } from '../../store/rule-source';
import { perContainer } from '../container';

export const rulesOf = perContainer(
  (container) => new DynamoRuleSource(container.documentClient, container.table('RULES_TABLE'), container.config.RULE_CACHE_SECONDS * 1000),
);
