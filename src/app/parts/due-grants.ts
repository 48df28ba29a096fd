import { DynamoDueGrants } from '../../grants/due-grants';
import { perContainer } from '../container';

export const dueGrantsOf = perContainer((container) => new DynamoDueGrants(container.documentClient, container.table('GRANTS_TABLE')));
