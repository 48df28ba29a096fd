import type { Rule } from '../../../rules/rule-item';
import type { ParsedDocument } from '../../shared/document';
import type { Finding } from '../../shared/finding';

/** A valid rule and the file it came from, for the checks that look across rules. */
export interface LoadedRule {
  file: string;
  rule: Rule;
  document: ParsedDocument;
}

/** A finding about `rule` at `path` (e.g. `['when']`), with its line. */
export function findingAt(loaded: Pick<LoadedRule, 'file' | 'document'>, path: readonly (string | number)[], text: string, message: string): Finding {
  return { file: loaded.file, path: text, message, ...(loaded.document.locate(path) ?? {}) };
}
