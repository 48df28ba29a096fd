/**
 * A table the command needs cannot be used (unreachable, missing, no credentials, a stack without
 * its outputs): one line saying which and how to fix it, exit 1, never a stack trace.
 */
export class TableError extends Error {
  override name = 'TableError';

  /**
   * `tableUnusable`: the table itself cannot be used (missing, unreachable, credentials refused),
   * so every further call would fail alike; otherwise the failure is this call's alone.
   * `detail`: what went wrong, without what was being done.
   */
  constructor(
    message: string,
    readonly tableUnusable = false,
    readonly detail = message,
  ) {
    super(message);
  }
}

/** An AWS SDK failure as that one line; `what` names what was being done, e.g. "reading the rules table lumos-rules". */
export function tableError(error: unknown, what: string, where: string): TableError {
  const { detail, tableUnusable } = failureOf(error, where);
  return new TableError(`${what}: ${detail}`, tableUnusable, detail);
}

function failureOf(error: unknown, where: string): { detail: string; tableUnusable: boolean } {
  const name = error instanceof Error ? error.name : '';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const text = (error instanceof Error ? error.message.split('\n')[0] : String(error)) ?? '';
  if (name === 'ResourceNotFoundException')
    return { detail: `no such table at ${where} (check the table name, or run \`npm start\` first)`, tableUnusable: true };
  if (name === 'CredentialsProviderError' || /credential/i.test(text)) {
    return {
      detail: 'no AWS credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or log in with `aws sso login`)',
      tableUnusable: true,
    };
  }
  if (name === 'UnrecognizedClientException' || name === 'ExpiredTokenException' || name === 'AccessDeniedException') {
    // A policy may refuse some items only (conditions on their keys): access denied is the call's own.
    return {
      detail: `AWS refused the credentials (${name}); refresh them or use a role allowed to do this`,
      tableUnusable: name !== 'AccessDeniedException',
    };
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|connect|ENOTFOUND|EAI_AGAIN/i.test(`${code} ${text}`)) {
    return { detail: `cannot reach ${where} (is \`npm start\` running, and is the endpoint right?)`, tableUnusable: true };
  }
  return { detail: `${name ? `${name}: ` : ''}${text}`, tableUnusable: false };
}
