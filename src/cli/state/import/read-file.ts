/** An import file read whole, within a bound: an export of a rota or an LMS is kilobytes, never gigabytes. */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../shared/usage-error';

const MAX_BYTES = 10 * 1024 * 1024;

export function readImportFile(file: string, cwd: string): string {
  const path = resolve(cwd, file);
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new UsageError(`${file}: not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: no such file`);
  }
  if (size > MAX_BYTES) throw new UsageError(`${file}: larger than 10 MiB; split it`);
  return readFileSync(path, 'utf8');
}
