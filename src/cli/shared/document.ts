/**
 * A JSON or YAML file read the way an admin expects: the value, where each part of it is
 * (so a problem can name its line), and when the file is not JSON or YAML, the line and column
 * where it stops being so. JSON is held to JSON (no comments, no trailing commas, no duplicate
 * keys, which `JSON.parse` would silently resolve to the last one); YAML is read as YAML 1.2.
 */
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { findJsonSyntaxError } from './json-syntax';

export type DocumentFormat = 'json' | 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  value: unknown;
  /** The position of the value at `path`, or of its nearest ancestor in the file. */
  locate(path: readonly PropertyKey[]): Position | undefined;
}

export type DocumentResult = { ok: true; document: ParsedDocument } | ({ ok: false; message: string } & Position);

/** Aliases may not expand a small file into a huge value. */
const MAX_ALIAS_COUNT = 100;

export function formatOf(file: string): DocumentFormat {
  return file.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
}

export function parseDocumentText(raw: string, format: DocumentFormat): DocumentResult {
  // Editors on Windows may save a byte-order mark; it is not part of the document.
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const lineCounter = new LineCounter();
  const yamlDocument = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const locate = (path: readonly PropertyKey[]): Position | undefined => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? yamlDocument.contents : yamlDocument.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return undefined;
  };
  return format === 'json' ? jsonDocument(text, yamlDocument, locate) : yamlDocumentResult(text, yamlDocument, locate);
}

/** JSON held to JSON; the YAML reading of the same text gives positions, and finds what JSON.parse lets through. */
function jsonDocument(text: string, yamlDocument: Document, locate: ParsedDocument['locate']): DocumentResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const found = findJsonSyntaxError(text);
    const where = found ? lineAndColumn(text, found.offset) : { line: 1, column: 1 };
    return { ok: false, ...where, message: `not valid JSON: ${found?.message ?? (error instanceof Error ? error.message : String(error))}` };
  }
  const duplicate = yamlDocument.errors.find((error) => error.code === 'DUPLICATE_KEY');
  if (duplicate) {
    const where = lineAndColumn(text, duplicate.pos[0]);
    return { ok: false, ...where, message: `duplicate key ${keyAt(text, duplicate.pos[0])}: JSON would silently keep only the last one` };
  }
  return { ok: true, document: { value, locate } };
}

function yamlDocumentResult(text: string, yamlDocument: Document, locate: ParsedDocument['locate']): DocumentResult {
  const [error] = yamlDocument.errors;
  if (error) {
    const where = lineAndColumn(text, error.pos[0]);
    if (error.code === 'DUPLICATE_KEY') return { ok: false, ...where, message: `not valid YAML: duplicate key ${keyAt(text, error.pos[0])}` };
    if (error.code === 'MULTIPLE_DOCS') return { ok: false, ...where, message: 'not valid here: a second YAML document (---); a file holds one' };
    return { ok: false, ...where, message: `not valid YAML: ${error.message}` };
  }
  try {
    return { ok: true, document: { value: yamlDocument.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locate } };
  } catch (caught) {
    return { ok: false, line: 1, column: 1, message: `not valid YAML: ${caught instanceof Error ? caught.message : String(caught)}` };
  }
}

/** The key that starts at `offset`, quoted, for a message. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset);
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(rest);
  if (quoted) return quoted[0];
  return JSON.stringify((/^[^:\n]*/.exec(rest)?.[0] ?? '').trim());
}

/** 1-based line and column of an offset (columns count UTF-16 units, as editors' "column" mostly does). */
function lineAndColumn(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}
