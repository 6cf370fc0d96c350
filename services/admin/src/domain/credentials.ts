// Password hashing (scrypt, N=2^15) and opaque tokens (only their SHA-256 is stored).
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A dummy hash so an unknown username costs the same time as a wrong password. */
export const DUMMY_HASH = `scrypt$${PARAMS.N}$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

export function newToken(kind: 'session' | 'api'): string {
  return `${kind === 'session' ? 'sas' : 'sat'}_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Shortest password an account may get (the same rule as ADMIN_PASSWORD). */
export const PASSWORD_MIN_LENGTH = 8;

export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function generateServerKey(): string {
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) {
    if (b < 248) out += ALNUM[b % 62];
    if (out.length === 16) return out;
  }
  return out + generateServerKey().slice(0, 16 - out.length);
}

/** Length of a generated RADIUS shared secret: letters and digits (~143 bits), which every AP takes. */
export const RADIUS_SECRET_LENGTH = 24;

/** A RADIUS shared secret for an accounting client (access point), uniformly over letters and digits. */
export function generateRadiusSecret(): string {
  let out = '';
  while (out.length < RADIUS_SECRET_LENGTH) {
    for (const b of randomBytes(32)) {
      if (b < 248 && out.length < RADIUS_SECRET_LENGTH) out += ALNUM[b % 62];
    }
  }
  return out;
}
