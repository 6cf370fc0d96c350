// Admin accounts, login sessions and API tokens (only SHA-256 of tokens is stored).
import type { Pool } from '@sa/platform';
import { hashPassword, hashToken, newToken } from '../../domain/credentials.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner } from './change-set.js';

export interface Principal {
  accountId: number;
  username: string;
  via: 'session' | 'api_token';
  tokenName?: string;
}

export class AccountsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  /** Creates "admin" once; returns false when any account exists already. */
  async ensureFirstAdmin(password: string): Promise<boolean> {
    const hash = await hashPassword(password);
    return this.changes.run('system', async (tx) => {
      await tx.client.query('LOCK TABLE admin_accounts IN EXCLUSIVE MODE');
      const { rowCount } = await tx.client.query('SELECT 1 FROM admin_accounts LIMIT 1');
      if (rowCount) return false;
      await tx.client.query(`INSERT INTO admin_accounts (username, password_hash) VALUES ('admin', $1)`, [
        hash,
      ]);
      await tx.audit('create', 'admin_account', 'admin', null, { username: 'admin' });
      return true;
    });
  }

  async hasAccounts(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM admin_accounts LIMIT 1');
    return (rowCount ?? 0) > 0;
  }

  async findByUsername(username: string): Promise<{ id: number; passwordHash: string } | null> {
    const { rows } = await this.pool.query<{ id: number; password_hash: string }>(
      'SELECT id, password_hash FROM admin_accounts WHERE username = $1',
      [username],
    );
    return rows[0] ? { id: rows[0].id, passwordHash: rows[0].password_hash } : null;
  }

  async createSession(accountId: number, ttlSeconds: number): Promise<{ token: string; expiresAt: string }> {
    const token = newToken('session');
    const { rows } = await this.pool.query<{ expires_at: Date }>(
      `INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       RETURNING expires_at`,
      [hashToken(token), accountId, ttlSeconds],
    );
    await this.pool.query('DELETE FROM sessions WHERE expires_at < now()');
    return { token, expiresAt: rows[0]!.expires_at.toISOString() };
  }

  async deleteSession(token: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
  }

  async resolve(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    if (token.startsWith('sas_')) {
      const { rows } = await this.pool.query<{ id: number; username: string }>(
        `SELECT a.id, a.username FROM sessions s JOIN admin_accounts a ON a.id = s.account_id
          WHERE s.token_hash = $1 AND s.expires_at > now()`,
        [hash],
      );
      return rows[0] ? { accountId: rows[0].id, username: rows[0].username, via: 'session' } : null;
    }
    if (token.startsWith('sat_')) {
      const { rows } = await this.pool.query<{ id: number; username: string; name: string }>(
        `SELECT a.id, a.username, t.name FROM api_tokens t JOIN admin_accounts a ON a.id = t.account_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
        [hash],
      );
      const r = rows[0];
      return r ? { accountId: r.id, username: r.username, via: 'api_token', tokenName: r.name } : null;
    }
    return null;
  }

  createApiToken(
    actor: string,
    accountId: number,
    name: string,
  ): Promise<{ id: number; name: string; token: string }> {
    const token = newToken('api');
    return this.changes.run(actor, async (tx) => {
      const { rows } = await tx.client.query<{ id: number }>(
        'INSERT INTO api_tokens (name, token_hash, account_id) VALUES ($1, $2, $3) RETURNING id',
        [name, hashToken(token), accountId],
      );
      await tx.audit('create', 'api_token', String(rows[0]!.id), null, { name });
      return { id: rows[0]!.id, name, token };
    });
  }

  async listApiTokens(): Promise<{ id: number; name: string; createdAt: string; revoked: boolean }[]> {
    const { rows } = await this.pool.query<{
      id: number;
      name: string;
      created_at: Date;
      revoked_at: Date | null;
    }>('SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at.toISOString(),
      revoked: !!r.revoked_at,
    }));
  }

  revokeApiToken(actor: string, id: number): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      const { rowCount } = await tx.client.query(
        'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
        [id],
      );
      if (!rowCount)
        throw new AdminError('ADMIN_TOKEN_NOT_FOUND', `no active API token ${id}`, { field: 'id' });
      await tx.audit('revoke', 'api_token', String(id), null, null);
    });
  }
}
