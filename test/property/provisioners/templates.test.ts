/**
 * Whatever the payload holds, a rendered `http` provisioner URL keeps the template's shape: the
 * same origin, the same number of path segments, each placeholder-only segment decoding back to
 * its value, the same query keys and no fragment. Or it is refused, exactly when a URL parser
 * would have dropped or climbed a segment a placeholder helped fill.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Entitlement } from '../../../src/provisioners/entitlement';
import { renderUrl } from '../../../src/provisioners/templates';

const FIELDS = ['f0', 'f1', 'f2', 'f3'] as const;
type Field = (typeof FIELDS)[number];
type Piece = { text: string } | { field: Field };

interface GeneratedTemplate {
  origin: string;
  segments: Piece[][];
  query: { name: string; value: Piece[] }[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (value: string) => value.replace(LONE_SURROGATE, '\uFFFD');

/** Values: the dangerous constants, text made of dot and escape pieces, and any unicode at all. */
const value = fc.oneof(
  fc.constantFrom('.', '..', '', '/', '%2e', '%2E%2e', '.%2e', '2e', '?', '#', '&', '=', '\\', ' ', '\t', '\n', '..;', '%'),
  fc.string({ unit: fc.constantFrom('.', '%', '2', 'e', 'E', '/', '\\', '?', '#', '&', '='), maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('a', '.'),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
    ),
    maxLength: 4,
  }),
);

const field = fc.constantFrom(...FIELDS).map((name): Piece => ({ field: name }));
const fixed = fc.constantFrom('v1', 'users', 'user-', '.', '%', '%2', '2e', '%2E', '.json', '~x');
const piece = fc.oneof(
  field,
  fixed.map((text): Piece => ({ text })),
);

const renderPieces = (pieces: Piece[]) => pieces.map((item) => ('text' in item ? item.text : `{custom_fields.${item.field}}`)).join('');

/** A segment of fixed text alone that a parser would drop or climb is the admin's own doing: not generated. */
const fixedSegmentKeptByParser = (pieces: Piece[]) => pieces.some((item) => 'field' in item) || segmentKept(renderPieces(pieces));

/** The oracle is the URL parser itself: does this segment text survive as one non-empty segment? */
function segmentKept(text: string): boolean {
  return text !== '' && new URL(`https://oracle.example/a/${text}/b`).pathname.split('/').length === 4;
}

const template = fc.record({
  origin: fc.constantFrom('https://api.example.com', 'http://127.0.0.1:8080', 'https://api.example.com:8443', 'http://localhost'),
  segments: fc.array(fc.array(piece, { minLength: 1, maxLength: 3 }).filter(fixedSegmentKeptByParser), { minLength: 1, maxLength: 5 }),
  query: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'role', 'ttl'), value: fc.array(piece, { maxLength: 3 }) }), { maxLength: 3 }),
});

function templateText(generated: GeneratedTemplate): string {
  const path = generated.segments.map((segment) => `/${renderPieces(segment)}`).join('');
  const query = generated.query.length === 0 ? '' : `?${generated.query.map((param) => `${param.name}=${renderPieces(param.value)}`).join('&')}`;
  return `${generated.origin}${path}${query}`;
}

function sampleEntitlement(values: Record<Field, string>): Entitlement {
  return {
    app: { id: 'app', instance_id: null, label: null },
    permission: { value: 'p', label: null },
    person: { email: 'x@example.com', given_name: null, family_name: null },
    custom_fields: { ...values },
    access_length: null,
    request_task_url: null,
  };
}

const isOnlyField = (pieces: Piece[]): pieces is [{ field: Field }] => pieces.length === 1 && pieces[0] !== undefined && 'field' in pieces[0];

describe('renderUrl, for any placeholder values', () => {
  it('keeps the origin, the path segments, the query keys and no fragment, or refuses', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(template, fc.record({ f0: value, f1: value, f2: value, f3: value }), (generated, values) => {
        // Act
        const result = renderUrl(templateText(generated), sampleEntitlement(values));

        // Assess: refused exactly when a naive fill would let the parser drop or climb a segment.
        const naive = (pieces: Piece[]) => pieces.map((item) => ('text' in item ? item.text : encodeURIComponent(wellFormed(values[item.field])))).join('');
        const broken = generated.segments.filter((segment) => segment.some((item) => 'field' in item) && !segmentKept(naive(segment)));
        expect(result.ok).toBe(broken.length === 0);
        if (!result.ok) {
          expect(result.problem).toMatch(/^placeholders? \{custom_fields\.f\d\}/);
          refused += 1;
          return;
        }
        accepted += 1;

        const url = new URL(result.url);
        const expectedOrigin = new URL(generated.origin);
        expect([url.protocol, url.hostname, url.port]).toEqual([expectedOrigin.protocol, expectedOrigin.hostname, expectedOrigin.port]);
        const segments = url.pathname.split('/').slice(1);
        expect(segments).toHaveLength(generated.segments.length);
        generated.segments.forEach((segment, index) => {
          if (isOnlyField(segment)) expect(decodeURIComponent(segments[index] as string)).toBe(wellFormed(values[segment[0].field]));
        });
        const entries = [...url.searchParams.entries()];
        expect(entries.map(([key]) => key)).toEqual(generated.query.map((param) => param.name));
        generated.query.forEach((param, index) => {
          if (isOnlyField(param.value)) expect(entries[index]?.[1]).toBe(wellFormed(values[param.value[0].field]));
        });
        expect(url.hash).toBe('');
      }),
      { numRuns: 2_000 },
    );
    // Both outcomes were reached, so neither branch above is vacuous.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
