import type { Node } from 'constructs';

/** A context value of the wrong shape, or a key the app does not read: the user's input, so no stack trace. */
export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

/** Keys the CDK itself (library, CLI, cdk.json feature flags, lookup cache) puts in the context. */
const CDK_KEY_PREFIXES = ['@aws-cdk/', '@aws-cdk-containers/', 'aws:cdk:', 'aws-cdk:', 'cdk-'] as const;
const CDK_KEYS = new Set(['acknowledged-issue-numbers', 'cli-telemetry']);
const isCdkKey = (key: string) => CDK_KEYS.has(key) || CDK_KEY_PREFIXES.some((prefix) => key.startsWith(prefix)) || /^[a-z][a-z-]*:account=/.test(key);

/** Edits (insert, delete, substitute, swap two neighbours) between two strings. */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const table: number[] = [];
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) table[i * width + j] = i > 0 && j > 0 ? editsBetweenPrefixes(a, b, i, j, at) : i + j;
  }
  return at(a.length, b.length);
}

/** Edits between the first `i` characters of `a` and the first `j` of `b`, from those of shorter prefixes (`at`). */
function editsBetweenPrefixes(a: string, b: string, i: number, j: number, at: (i: number, j: number) => number): number {
  const best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
  const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
  return swapped ? Math.min(best, at(i - 2, j - 2) + 1) : best;
}

/** The known key a typo most likely meant: same letters in another case, or at most two edits away. */
function suggestion(key: string, known: readonly string[]): string | undefined {
  const sameCase = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameCase !== undefined) return sameCase;
  const ranked = known.map((candidate) => ({ candidate, distance: editDistance(key, candidate) })).sort((x, y) => x.distance - y.distance);
  const best = ranked[0];
  return best !== undefined && best.distance <= 2 ? best.candidate : undefined;
}

/**
 * Typed reads of the app's context (`-c key=value` gives strings, cdk.json may give numbers or
 * booleans). Unset is undefined; a value of the wrong shape stops the synth with the key's name,
 * because a typo in a deployment setting should never deploy a default silently. The reader
 * records every key it is asked for, so the app's reads are the one list of known keys.
 */
export class ContextReader {
  private readonly asked = new Set<string>();

  constructor(private readonly node: Node) {}

  /** Fails on any key set in the context that no read asked for and that is not the CDK's own (a typo such as `alarmEmial`). */
  rejectUnknownKeys(): void {
    const present = Object.keys(this.node.getAllContext() as Record<string, unknown>);
    const unknown = present.filter((key) => !this.asked.has(key) && !isCdkKey(key)).sort();
    if (unknown.length === 0) return;
    const known = [...this.asked].sort();
    const named = unknown.map((key) => {
      const meant = suggestion(key, known);
      return `unknown context key "${key}"${meant === undefined ? '' : ` (did you mean "${meant}"?)`}`;
    });
    throw new ContextError(`${named.join(', ')}; known keys: ${known.join(', ')}`);
  }

  /** A non-empty string, trimmed. */
  string(key: string, { maxLength }: { maxLength?: number } = {}): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new ContextError(`context ${key} must be a non-empty string`);
    if (maxLength !== undefined && value.trim().length > maxLength) throw new ContextError(`context ${key} must be at most ${maxLength} characters`);
    return value.trim();
  }

  /** `true` or `false`, as a boolean or as the words. */
  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new ContextError(`context ${key} must be true or false`);
  }

  /** A number within [min, max]; whole when `integer`. */
  number(key: string, { min, max = Number.MAX_SAFE_INTEGER, integer }: { min: number; max?: number; integer: boolean }): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    const kind = integer ? 'a whole number' : 'a number';
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      throw new ContextError(`context ${key} must be ${kind} from ${min} to ${max}`);
    }
    return parsed;
  }

  /** An e-mail address (a plain shape check: SNS confirms the address itself). */
  email(key: string): string | undefined {
    const value = this.string(key);
    if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) throw new ContextError(`context ${key} must be an e-mail address`);
    return value;
  }

  /** One of the listed words. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const match = allowed.find((word) => word === value);
    if (match === undefined) throw new ContextError(`context ${key} must be ${allowed.map((word) => `"${word}"`).join(' or ')}`);
    return match;
  }

  private raw(key: string): unknown {
    this.asked.add(key);
    const value: unknown = this.node.tryGetContext(key);
    return value === null ? undefined : value;
  }
}
