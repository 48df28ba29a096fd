import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../../../../src/cli/shared/document';

describe('reading a JSON or YAML file', () => {
  it.each([
    ['a missing value', '{\n  "app_id": \n}', 3, 1, 'expected a value, found "}"'],
    ['a trailing comma', '{\n  "app_id": "demo",\n}', 2, 19, 'JSON allows no trailing comma'],
    ['a missing comma', '{\n  "app_id": "demo"\n  "rule_id": "x"\n}', 3, 3, 'expected "," or "}", found "\\""'],
    ['an empty file', '', 1, 1, 'expected a value, found the end of the file'],
    ['a line break inside a string', '{"description": "two\nlines"}', 1, 21, 'a line break or control character inside a string'],
  ])('points at the line and column of %s in JSON', (_what, text, line, column, message) => {
    // Act
    const parsed = parseDocumentText(text, 'json');
    // Assess
    expect(parsed).toMatchObject({ ok: false, line, column, message: expect.stringContaining(message) });
    if (!parsed.ok) expect(parsed.message).toMatch(/^not valid JSON: /);
  });

  it('refuses a key written twice in JSON, which JSON.parse would silently resolve to the last', () => {
    // Act
    const parsed = parseDocumentText('{\n  "effect": "deny",\n  "effect": "allow"\n}', 'json');
    // Assess
    expect(parsed).toEqual({ ok: false, line: 3, column: 3, message: 'duplicate key "effect": JSON would silently keep only the last one' });
  });

  it('points at the line of a YAML error, a duplicate key and a second document', () => {
    // Act
    const broken = parseDocumentText('app_id: demo\npermissions: [a, b\n', 'yaml');
    const twice = parseDocumentText('app_id: demo\napp_id: other\n', 'yaml');
    const two = parseDocumentText('app_id: demo\n---\napp_id: other\n', 'yaml');
    // Assess
    expect(broken).toMatchObject({ ok: false, message: expect.stringMatching(/^not valid YAML: /) });
    expect(twice).toMatchObject({ ok: false, line: 2, column: 1, message: 'not valid YAML: duplicate key "app_id"' });
    expect(two).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('a second YAML document') });
  });

  it('reads YAML as YAML 1.2: times, "no" and "on" stay text', () => {
    // Act
    const parsed = parseDocumentText('from: 09:00\nanswer: no\non: yes\n', 'yaml');
    // Assess
    expect(parsed.ok && parsed.document.value).toEqual({ from: '09:00', answer: 'no', on: 'yes' });
  });

  it('ignores a byte-order mark an editor may have saved', () => {
    // Act
    const parsed = parseDocumentText('\uFEFF{"app_id": "demo"}', 'json');
    // Assess
    expect(parsed.ok && parsed.document.value).toEqual({ app_id: 'demo' });
  });

  it('finds the line of a path, or of its nearest ancestor in the file', () => {
    // Prepare
    const parsed = parseDocumentText('app_id: demo\nwhen:\n  all:\n    - oncal: { schedule: x }\n', 'yaml');
    if (!parsed.ok) throw new Error(parsed.message);
    // Act
    const found = parsed.document.locate(['when', 'all', 0, 'oncal']);
    const missing = parsed.document.locate(['when', 'all', 0, 'oncal', 'who']);
    // Assess
    expect(found).toEqual({ line: 4, column: 14 });
    expect(missing).toEqual(found);
  });
});
