/**
 * The attributes each leaf condition takes (docs/rules.md, "Conditions"), for "did you mean"
 * only: the rule parser stays the judge of what is accepted, and a test keeps this list to what
 * it accepts.
 */
export const CONDITION_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  on_call: ['schedule', 'who'],
  email_in: ['values', 'who'],
  email_domain_in: ['values', 'who'],
  custom_field: ['name', 'equals', 'in', 'matches', 'present', 'ignore_case'],
  time_window: ['days', 'from', 'to', 'tz'],
  training: ['course', 'within_days', 'who'],
};
