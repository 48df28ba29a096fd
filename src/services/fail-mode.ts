/**
 * What request validation answers when its check cannot run: `closed` blocks with a message
 * saying so (the default), `open` lets the request through. Its own module because the
 * configuration of every function reads it, and importing it must not bundle the service.
 */
export const FAIL_MODES = ['closed', 'open'] as const;
export type FailMode = (typeof FAIL_MODES)[number];
