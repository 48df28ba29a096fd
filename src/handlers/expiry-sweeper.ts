import { EXPIRY_SWEEPER } from '../app/functions/expiry-sweeper';
import { scheduledHandler } from '../app/scheduled';

export const handler = scheduledHandler(EXPIRY_SWEEPER);
