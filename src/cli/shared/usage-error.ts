/**
 * The command line was wrong (a path that does not exist, an option out of range): the user
 * fixes the call, not the rules. Every command exits 2 on it, as on commander's own usage errors.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
