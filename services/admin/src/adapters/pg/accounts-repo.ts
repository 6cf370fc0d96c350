// Admin accounts (username, role, enabled), login sessions and API tokens. Only scrypt hashes of
// passwords and SHA-256 of tokens are stored; neither ever reaches the audit log. Account changes
// take the table lock, so "the last enabled administrator stays" holds under concurrent requests.
import type { Pool } from '@sa/platform';
import { hashPassword, hashToken, newToken } from '../../domain/credentials.js';
import type { Role } from '../../domain/roles.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';

export interface Principal {
  accountId: number;
  username: string;
  role: Role;
  via: 'session' | 'api_token';
  tokenName?: string;
}

export interface AccountView {
  username: string;
  role: Role;
  enabled: boolean;
  createdAt: string;
  passwordChangedAt: string;
}

export interface StoredAccount {
  id: number;
  username: string;
  role: Role;
  enabled: boolean;
  passwordHash: string;
}

interface AccountRow {
  id: number;
  username: string;
  role: Role;
  enabled: boolean;
  password_hash: string;
  created_at: Date;
  password_changed_at: Date;
}

const view = (r: AccountRow): AccountView => ({
  username: r.username,
  role: r.role,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  passwordChangedAt: r.password_changed_at.toISOString(),
});
/** What the audit log keeps of an account: never the hash. */
const audited = (a: AccountView) => ({ username: a.username, role: a.role, enabled: a.enabled });

export class AccountsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  /** Creates administrator "admin" once; returns false when any account exists already. */
  async ensureFirstAdmin(password: string): Promise<boolean> {
    const hash = await hashPassword(password);
    return this.changes.run('system', async (tx) => {
      await lockAccounts(tx);
      const { rowCount } = await tx.client.query('SELECT 1 FROM admin_accounts LIMIT 1');
      if (rowCount) return false;
      await tx.client.query(
        `INSERT INTO admin_accounts (username, password_hash, role) VALUES ('admin', $1, 'administrator')`,
        [hash],
      );
      await tx.audit('create', 'admin_account', 'admin', null, {
        username: 'admin',
        role: 'administrator',
        enabled: true,
      });
      return true;
    });
  }

  async hasAccounts(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM admin_accounts LIMIT 1');
    return (rowCount ?? 0) > 0;
  }

  async findByUsername(username: string): Promise<StoredAccount | null> {
    const { rows } = await this.pool.query<AccountRow>('SELECT * FROM admin_accounts WHERE username = $1', [
      username,
    ]);
    const r = rows[0];
    return r
      ? { id: r.id, username: r.username, role: r.role, enabled: r.enabled, passwordHash: r.password_hash }
      : null;
  }

  async list(): Promise<AccountView[]> {
    const { rows } = await this.pool.query<AccountRow>('SELECT * FROM admin_accounts ORDER BY username');
    return rows.map(view);
  }

  async get(username: string): Promise<AccountView> {
    const { rows } = await this.pool.query<AccountRow>('SELECT * FROM admin_accounts WHERE username = $1', [
      username,
    ]);
    if (!rows[0]) throw notFound(username);
    return view(rows[0]);
  }

  async create(
    actor: string,
    input: { username: string; role: Role; password: string },
  ): Promise<AccountView> {
    const hash = await hashPassword(input.password);
    return this.changes.run(actor, async (tx) => {
      await lockAccounts(tx);
      const existing = await tx.client.query('SELECT 1 FROM admin_accounts WHERE username = $1', [
        input.username,
      ]);
      if (existing.rowCount)
        throw new AdminError('ADMIN_ACCOUNT_EXISTS', `an account named ${input.username} exists`, {
          field: 'username',
        });
      const { rows } = await tx.client.query<AccountRow>(
        'INSERT INTO admin_accounts (username, password_hash, role) VALUES ($1, $2, $3) RETURNING *',
        [input.username, hash, input.role],
      );
      const created = view(rows[0]!);
      await tx.audit('create', 'admin_account', created.username, null, audited(created));
      return created;
    });
  }

  /** Role and/or enabled. Disabling ends the account's sessions; its API tokens stop resolving. */
  update(actor: string, username: string, patch: { role?: Role; enabled?: boolean }): Promise<AccountView> {
    return this.changes.run(actor, async (tx) => {
      const before = await lockedAccount(tx, username);
      const role = patch.role ?? before.role;
      const enabled = patch.enabled ?? before.enabled;
      if (before.role === 'administrator' && before.enabled && (role !== 'administrator' || !enabled))
        await keepOneAdministrator(tx, username, role !== 'administrator' ? 'demoted' : 'disabled');
      const { rows } = await tx.client.query<AccountRow>(
        'UPDATE admin_accounts SET role = $2, enabled = $3 WHERE username = $1 RETURNING *',
        [username, role, enabled],
      );
      if (!enabled) await tx.client.query('DELETE FROM sessions WHERE account_id = $1', [rows[0]!.id]);
      const after = view(rows[0]!);
      await tx.audit('update', 'admin_account', username, audited(view(before)), audited(after));
      return after;
    });
  }

  /** Deletes the account with its sessions and API tokens. */
  remove(actor: string, username: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      const before = await lockedAccount(tx, username);
      if (before.role === 'administrator' && before.enabled)
        await keepOneAdministrator(tx, username, 'deleted');
      await tx.client.query('DELETE FROM admin_accounts WHERE id = $1', [before.id]);
      await tx.audit('delete', 'admin_account', username, audited(view(before)), null);
    });
  }

  /**
   * Sets a new password and ends every session of the account except `keepSessionToken` (the caller's
   * own, when someone changes their own password). `action` names it in the audit log.
   */
  async setPassword(
    actor: string,
    username: string,
    password: string,
    action: 'change_password' | 'reset_password',
    keepSessionToken?: string,
  ): Promise<{ sessionsEnded: number }> {
    const hash = await hashPassword(password);
    return this.changes.run(actor, async (tx) => {
      const account = await lockedAccount(tx, username);
      await tx.client.query(
        'UPDATE admin_accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1',
        [account.id, hash],
      );
      const keep = keepSessionToken?.startsWith('sas_') ? hashToken(keepSessionToken) : null;
      const ended = await tx.client.query(
        'DELETE FROM sessions WHERE account_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)',
        [account.id, keep],
      );
      const sessionsEnded = ended.rowCount ?? 0;
      await tx.audit(action, 'admin_account', username, null, { username, sessionsEnded });
      return { sessionsEnded };
    });
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

  /** The enabled account behind a session or API token, with its current role. */
  async resolve(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    if (token.startsWith('sas_')) {
      const { rows } = await this.pool.query<{ id: number; username: string; role: Role }>(
        `SELECT a.id, a.username, a.role FROM sessions s JOIN admin_accounts a ON a.id = s.account_id
          WHERE s.token_hash = $1 AND s.expires_at > now() AND a.enabled`,
        [hash],
      );
      const r = rows[0];
      return r ? { accountId: r.id, username: r.username, role: r.role, via: 'session' } : null;
    }
    if (token.startsWith('sat_')) {
      const { rows } = await this.pool.query<{ id: number; username: string; role: Role; name: string }>(
        `SELECT a.id, a.username, a.role, t.name FROM api_tokens t JOIN admin_accounts a ON a.id = t.account_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.enabled`,
        [hash],
      );
      const r = rows[0];
      return r
        ? { accountId: r.id, username: r.username, role: r.role, via: 'api_token', tokenName: r.name }
        : null;
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

async function lockAccounts(tx: Tx): Promise<void> {
  await tx.client.query('LOCK TABLE admin_accounts IN EXCLUSIVE MODE');
}

async function lockedAccount(tx: Tx, username: string): Promise<AccountRow> {
  await lockAccounts(tx);
  const { rows } = await tx.client.query<AccountRow>('SELECT * FROM admin_accounts WHERE username = $1', [
    username,
  ]);
  if (!rows[0]) throw notFound(username);
  return rows[0];
}

async function keepOneAdministrator(tx: Tx, username: string, what: string): Promise<void> {
  const { rows } = await tx.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM admin_accounts WHERE role = 'administrator' AND enabled AND username <> $1`,
    [username],
  );
  if ((rows[0]?.n ?? 0) === 0)
    throw new AdminError(
      'ADMIN_ACCOUNT_LAST_ADMINISTRATOR',
      `${username} is the last enabled administrator and cannot be ${what}; make another account administrator first`,
      { field: 'username' },
    );
}

const notFound = (username: string) =>
  new AdminError('ADMIN_ACCOUNT_NOT_FOUND', `no admin account named ${username}`, { field: 'username' });
