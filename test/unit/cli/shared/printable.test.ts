import { describe, expect, it } from 'vitest';
import { printable } from '../../../../src/cli/shared/printable';

describe('text printed on a terminal', () => {
  it('shows cursor moves, line erases and bidirectional overrides as escapes', () => {
    // Act / Assess
    expect(printable('evil\u001b[1A\u001b[2Kx')).toBe('evil\\u{1b}[1A\\u{1b}[2Kx');
    expect(printable('a\u202eb\u0007c\rd')).toBe('a\\u{202e}b\\u{7}c\\u{d}d');
  });

  it('keeps colour codes, tabs, newlines and every other character as they are', () => {
    // Act / Assess
    expect(printable('\u001b[31mred\u001b[39m\tdé 日本 🙂\n')).toBe('\u001b[31mred\u001b[39m\tdé 日本 🙂\n');
  });
});
