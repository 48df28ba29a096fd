import { DynamoStateSource } from '../../store/state-source';
import { perContainer } from '../container';

export const stateSourceOf = perContainer(
  (container) => new DynamoStateSource(container.documentClient, container.table('STATE_TABLE'), container.config.RULE_CACHE_SECONDS * 1000),
);
