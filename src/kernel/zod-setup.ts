/**
 * zod/mini, set up once for every schema (the payload, rule items, provisioner specs, the
 * configuration): each schema module imports this before it builds a schema. zod/mini loads no
 * locale, so English is set here (only English: `zod/locales` lets the bundler drop the others),
 * and a missing field reads "required" rather than "expected string, received undefined" in a
 * 422, a rule problem or a configuration error.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
// No code generated at run time: zod would otherwise probe `new Function` while building each
// object schema and compile a parser per object on its first parse, a cost a function pays on
// every cold start for a speed it never needs at a few parses per container (and no eval at all).
z.config({ jitless: true });
z.config({ customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined) });

/** What a transform is given besides the value: zod/mini's has no `addIssue`, so issues go through `addIssue` below. */
export type TransformContext = z.core.ParsePayload;

/** Reports a custom issue from inside a transform; `path` is relative to the value being transformed. */
export function addIssue(ctx: TransformContext, message: string, path?: PropertyKey[]): void {
  ctx.issues.push({ code: 'custom', message, input: ctx.value, ...(path === undefined ? {} : { path }) });
}
