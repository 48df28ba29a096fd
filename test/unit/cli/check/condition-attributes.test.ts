import { describe, expect, it } from 'vitest';
import { CONDITION_ATTRIBUTES } from '../../../../src/cli/rules/check/condition-attributes';
import { parseCondition } from '../../../../src/rules/conditions';

/** A value each attribute accepts, so that only the attribute's name is under test. */
const SAMPLE: Record<string, unknown> = {
  schedule: 's',
  who: 'target',
  values: ['a@example.com'],
  name: 'n',
  equals: 'x',
  in: ['x'],
  matches: 'x',
  present: true,
  ignore_case: true,
  days: ['mon'],
  from: '09:00',
  to: '10:00',
  tz: 'UTC',
  course: 'c',
  within_days: 1,
};

describe('the condition attributes check suggests', () => {
  it.each(Object.entries(CONDITION_ATTRIBUTES).flatMap(([condition, attributes]) => attributes.map((attribute) => [condition, attribute] as const)))(
    'lists %s.%s, which the rule parser accepts',
    (condition, attribute) => {
      // Act
      const { issues } = parseCondition({ [condition]: { [attribute]: SAMPLE[attribute] } });
      // Assess: whatever else is missing, the attribute itself is known.
      expect(issues.filter((issue) => issue.message.includes('Unrecognized'))).toEqual([]);
    },
  );
});
