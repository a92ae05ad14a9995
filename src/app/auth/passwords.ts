import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters (RFC 7914; OWASP's minimum for scrypt): about 16 MiB and tens of ms per hash. */
export const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Encoded parameters are read back from stored hashes: refuse absurd ones (a tampered row must not hang us). */
const MAX_N = 1 << 20;

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (error, key) => {
      if (error !== null) reject(error);
      else resolve(key);
    });
  });
}

/** `scrypt$N$r$p$<salt base64url>$<hash base64url>`: the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, SCRYPT_PARAMS, KEY_BYTES);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches an encoded hash; constant-time on the derived key. A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  const valid = [N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) && N <= MAX_N && r <= 32 && p <= 16 && salt.length > 0 && expected.length > 0;
  if (!valid) return false;
  const key = await scryptAsync(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, computed once: verified against when the username is unknown, so an
 * unknown user costs the same scrypt as a wrong password (no user enumeration by timing).
 */
let decoy: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(18).toString('base64url'));
  return decoy;
}
