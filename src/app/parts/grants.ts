import { DynamoGrantLedger } from '../../grants/grant-ledger';
import { perContainer } from '../container';

export const grantsOf = perContainer((container) => new DynamoGrantLedger(container.documentClient, container.table('GRANTS_TABLE')));
