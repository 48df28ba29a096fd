import type { Node } from 'constructs';

/**
 * Typed reads of the app's context (`-c key=value` gives strings, cdk.json may give numbers or
 * booleans). Unset is undefined; a value of the wrong shape stops the synth with the key's name,
 * because a typo in a deployment setting should never deploy a default silently.
 */
export class ContextReader {
  constructor(private readonly node: Node) {}

  /** A non-empty string, trimmed. */
  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`context ${key} must be a non-empty string`);
    return value.trim();
  }

  /** `true` or `false`, as a boolean or as the words. */
  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new Error(`context ${key} must be true or false`);
  }

  /** A number within [min, max]; whole when `integer`. */
  number(key: string, { min, max = Number.MAX_SAFE_INTEGER, integer }: { min: number; max?: number; integer: boolean }): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    const kind = integer ? 'a whole number' : 'a number';
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      throw new Error(`context ${key} must be ${kind} from ${min} to ${max}`);
    }
    return parsed;
  }

  /** An e-mail address (a plain shape check: SNS confirms the address itself). */
  email(key: string): string | undefined {
    const value = this.string(key);
    if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) throw new Error(`context ${key} must be an e-mail address`);
    return value;
  }

  /** One of the listed words. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const match = allowed.find((word) => word === value);
    if (match === undefined) throw new Error(`context ${key} must be ${allowed.map((word) => `"${word}"`).join(' or ')}`);
    return match;
  }

  private raw(key: string): unknown {
    const value: unknown = this.node.tryGetContext(key);
    return value === null ? undefined : value;
  }
}
