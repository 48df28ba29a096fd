/** A test file read and validated, or its problems, each naming the file, the path and the line. */
import { formatPath } from '../../../kernel/issue-path';
import { didYouMean } from '../../shared/did-you-mean';
import type { Finding } from '../../shared/finding';
import { readDocumentFile, withoutSchema } from '../../shared/rule-files';
import { knownKeysAt, type TestCase, TestFileSchema } from './test-file';

export type ReadTestFile = { file: string; ok: true; cases: TestCase[] } | { file: string; ok: false; problems: Finding[] };

export function readTestFile(file: string, cwd: string): ReadTestFile {
  const read = readDocumentFile(file, cwd);
  if (!read.ok) return { file, ok: false, problems: [read.problem] };
  const { document } = read;
  const content = withoutSchema(document.value);
  if (content === null) return { file, ok: false, problems: [{ file, path: '(root)', message: 'a test file is an object with "cases"', line: 1, column: 1 }] };
  const parsed = TestFileSchema.safeParse(content);
  if (parsed.success) return { file, ok: true, cases: parsed.data.cases };
  const problems = parsed.error.issues.flatMap((issue): Finding[] => {
    // One finding per misspelt key, at the key, with what was likely meant.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const at =
      keys.length > 0 ? keys.map((key) => ({ path: [...issue.path, key], message: `unknown key${didYouMean(key, knownKeysAt(issue.path))}` })) : [issue];
    return at.map(({ path, message }) => ({ file, path: formatPath(path), message, ...(document.locate(path) ?? {}) }));
  });
  return { file, ok: false, problems };
}
