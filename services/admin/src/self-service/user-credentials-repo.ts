// End users' passwords and self-service sessions (migration 1700000000600). Passwords are hashed
// with the admin accounts' scheme (scrypt, domain/credentials.ts); a session is an opaque token of
// which only the SHA-256 is stored. A user token (sau_…) lives in its own table, so it can never
// resolve as an admin session or API token, and an admin token never resolves here.
import { randomBytes } from 'node:crypto';
import type { Pool } from '@sa/platform';
import type { ChangeRunner } from '../adapters/pg/change-set.js';
import { hashPassword, hashToken } from '../domain/credentials.js';
import { AdminError } from '../errors.js';

export const USER_TOKEN = /^sau_[A-Za-z0-9_-]{32}$/;

export interface UserSession {
  readonly token: string;
  readonly expiresAt: string;
}

/** What a sign-in attempt leaves in the audit log (never the password). */
export type SignInOutcome = 'login' | 'login_failed' | 'logout';

export class UserCredentialsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  /** Sets or replaces the user's password and ends the user's sessions (audited; no hash in the log). */
  async setPassword(actor: string, extension: string, password: string): Promise<{ sessionsEnded: number }> {
    const hash = await hashPassword(password);
    return this.changes.run(actor, async (tx) => {
      const known = await tx.client.query('SELECT 1 FROM extensions WHERE extension = $1 FOR UPDATE', [
        extension,
      ]);
      if (!known.rowCount) {
        throw new AdminError('ADMIN_EXTENSION_UNKNOWN', `extension ${extension} is not known`, {
          field: 'extension',
        });
      }
      const { rows } = await tx.client.query<{ existed: boolean }>(
        `INSERT INTO user_credentials (extension, password_hash) VALUES ($1, $2)
         ON CONFLICT (extension) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()
         RETURNING (xmax <> 0) AS existed`,
        [extension, hash],
      );
      const ended = await tx.client.query('DELETE FROM user_sessions WHERE extension = $1', [extension]);
      const existed = rows[0]!.existed;
      await tx.audit(existed ? 'reset_password' : 'set_password', 'user_credentials', extension, null, {
        extension,
      });
      return { sessionsEnded: ended.rowCount ?? 0 };
    });
  }

  async passwordHash(extension: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ password_hash: string }>(
      'SELECT password_hash FROM user_credentials WHERE extension = $1',
      [extension],
    );
    return rows[0]?.password_hash ?? null;
  }

  async createSession(extension: string, ttlSeconds: number): Promise<UserSession> {
    const token = `sau_${randomBytes(24).toString('base64url')}`;
    const { rows } = await this.pool.query<{ expires_at: Date }>(
      `INSERT INTO user_sessions (token_hash, extension, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
      [hashToken(token), extension, ttlSeconds],
    );
    await this.pool.query('DELETE FROM user_sessions WHERE expires_at < now()');
    return { token, expiresAt: rows[0]!.expires_at.toISOString() };
  }

  /** The extension a live session belongs to, or null. */
  async resolve(token: string): Promise<string | null> {
    if (!USER_TOKEN.test(token)) return null;
    const { rows } = await this.pool.query<{ extension: string }>(
      'SELECT extension FROM user_sessions WHERE token_hash = $1 AND expires_at > now()',
      [hashToken(token)],
    );
    return rows[0]?.extension ?? null;
  }

  async deleteSession(token: string): Promise<void> {
    await this.pool.query('DELETE FROM user_sessions WHERE token_hash = $1', [hashToken(token)]);
  }

  async displayName(extension: string): Promise<string> {
    const { rows } = await this.pool.query<{ display_name: string }>(
      'SELECT display_name FROM extensions WHERE extension = $1',
      [extension],
    );
    return rows[0]?.display_name ?? '';
  }

  /** An audit row for a sign-in, failed sign-in or sign-out; `src` is the client's address. */
  auditSignIn(actor: string, outcome: SignInOutcome, extension: string, src: string): Promise<void> {
    return this.audit(actor, outcome, 'user_session', extension, { src });
  }

  /** An audit row for something the user did that writes nothing to Postgres (a scenario choice). */
  audit(actor: string, action: string, entity: string, entityId: string, after: unknown): Promise<void> {
    return this.changes.run(actor, (tx) => tx.audit(action, entity, entityId, null, after));
  }
}
