-- Up Migration
-- Admin accounts get a role (administrator: everything; helpdesk: devices and the board, see
-- docs/api.md "Accounts and roles"), can be disabled, and remember when their password changed.
ALTER TABLE admin_accounts
  ADD COLUMN role text NOT NULL DEFAULT 'administrator' CHECK (role IN ('administrator', 'helpdesk')),
  ADD COLUMN enabled boolean NOT NULL DEFAULT true,
  ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE admin_accounts
  ADD CONSTRAINT admin_accounts_username_format CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$') NOT VALID;
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- Down Migration
DROP INDEX sessions_account_idx;
ALTER TABLE admin_accounts DROP CONSTRAINT admin_accounts_username_format;
ALTER TABLE admin_accounts DROP COLUMN password_changed_at, DROP COLUMN enabled, DROP COLUMN role;
