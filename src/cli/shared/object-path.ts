/**
 * The inverse of `formatPath` (src/kernel/issue-path.ts): `when.all[0].on_call` back into
 * `['when', 'all', 0, 'on_call']`, so a problem the runtime wrote as text can be found in the file.
 */
export function parsePath(text: string): (string | number)[] {
  if (text === '' || text === '(root)') return [];
  const segments: (string | number)[] = [];
  for (const match of text.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    segments.push(match[1] === undefined ? (match[2] as string) : Number(match[1]));
  }
  return segments;
}
