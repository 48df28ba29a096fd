import { type Printed, printed, prose } from './terminal-text';

/**
 * A problem or a warning about one file, named the way an admin finds it: the file, the path
 * inside it (`when.all[0].on_call`), and, where known, the line and column.
 */
export interface Finding {
  file: string;
  /** Where in the document, as `formatPath` writes it; empty when the file could not be read at all. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** `file: path: message`, or `file:line:column: message` when the file could not be parsed. */
export function formatFinding(finding: Finding): string {
  if (finding.path !== '') return `${finding.file}: ${finding.path}: ${finding.message}`;
  const at = finding.line === undefined ? '' : `:${finding.line}${finding.column === undefined ? '' : `:${finding.column}`}`;
  return `${finding.file}${at}: ${finding.message}`;
}

/** As formatFinding, for a terminal: the file and message as prose, the path inside the file as an identifier. */
export function printedFinding(finding: Finding): Printed {
  if (finding.path !== '') return printed`${prose(finding.file)}: ${finding.path}: ${prose(finding.message)}`;
  const at = finding.line === undefined ? '' : `:${finding.line}${finding.column === undefined ? '' : `:${finding.column}`}`;
  return printed`${prose(finding.file)}${at}: ${prose(finding.message)}`;
}

/** In the order an admin reads them: by file, then by line. */
export function byFileAndLine(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}
