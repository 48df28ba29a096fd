import { STATE_SYNC } from '../app/functions/state-sync';
import { scheduledHandler } from '../app/scheduled';

export const handler = scheduledHandler(STATE_SYNC);
