/** A system error code such as ECONNREFUSED from fetch's cause chain; codes only, never messages (they may carry a URL). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code: unknown = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
    const errors: unknown[] = current instanceof AggregateError ? current.errors : [];
    current = errors[0] ?? current.cause;
  }
  return undefined;
}
