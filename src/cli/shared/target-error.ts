/**
 * A table the command needs cannot be used (unreachable, missing, no credentials, a stack without
 * its outputs): one line saying which and how to fix it, exit 1, never a stack trace.
 */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** An AWS SDK failure as that one line; `what` names what was being done, e.g. "reading the rules table lumos-rules". */
export function targetError(error: unknown, what: string, where: string): TargetError {
  const name = error instanceof Error ? error.name : '';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const text = (error instanceof Error ? error.message.split('\n')[0] : String(error)) ?? '';
  if (name === 'ResourceNotFoundException') return new TargetError(`${what}: no such table at ${where} (check the table name, or run \`npm start\` first)`);
  if (name === 'CredentialsProviderError' || /credential/i.test(text)) {
    return new TargetError(`${what}: no AWS credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or log in with \`aws sso login\`)`);
  }
  if (name === 'UnrecognizedClientException' || name === 'ExpiredTokenException' || name === 'AccessDeniedException') {
    return new TargetError(`${what}: AWS refused the credentials (${name}); refresh them or use a role allowed to do this`);
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|connect|ENOTFOUND|EAI_AGAIN/i.test(`${code} ${text}`)) {
    return new TargetError(`${what}: cannot reach ${where} (is \`npm start\` running, and is the endpoint right?)`);
  }
  return new TargetError(`${what}: ${name ? `${name}: ` : ''}${text}`);
}
