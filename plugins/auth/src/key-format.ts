import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Gateway keys look like `sy_<id>_<secret>`: a 12-character public id (safe to log, used to find the
 * record) and a 256-bit random secret. Only the SHA-256 of the whole key is stored. A fast hash is right
 * here: the secret has 256 bits of entropy, so there is nothing for a slow hash to protect.
 */
const PREFIX = 'sy_';
const ID_LENGTH = 12;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface IssuedKey {
  id: string;
  /** The full key, shown once to whoever created it. */
  key: string;
  /** `sha256:<hex>` of the full key. */
  hash: string;
}

export function issueKey(id = newKeyId()): IssuedKey {
  const key = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashKey(key) };
}

export function newKeyId(): string {
  const bytes = randomBytes(ID_LENGTH);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** The record id inside a gateway key, or undefined for keys of another shape (e.g. keys from config). */
export function keyIdOf(key: string): string | undefined {
  if (!key.startsWith(PREFIX) || key.length < PREFIX.length + ID_LENGTH + 2) return undefined;
  if (key[PREFIX.length + ID_LENGTH] !== '_') return undefined;
  return key.slice(PREFIX.length, PREFIX.length + ID_LENGTH);
}

export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** Compares two stored-form hashes in constant time. */
export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A short, non-secret label for logs: `sy_abc123def456…` or the first characters of a config key's hash. */
export function displayPrefix(key: string): string {
  const id = keyIdOf(key);
  return id ? `${PREFIX}${id}` : hashKey(key).slice(0, 19);
}
