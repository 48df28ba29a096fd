import { DynamoDueGrants } from '../../store/due-grants';
import { perContainer } from '../container';

export const dueGrantsOf = perContainer((container) => new DynamoDueGrants(container.documentClient, container.table('GRANTS_TABLE')));
