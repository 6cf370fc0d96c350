-- Up Migration
-- End users sign in to the self-service page (/me/, docs/self-service.md) with their extension and
-- a password an administrator set (PUT /api/v1/users/:extension/password). Only the scrypt hash is
-- kept, as for admin accounts; a session keeps only the SHA-256 of its token. Removing the extension
-- removes both.
CREATE TABLE user_credentials (
  extension text COLLATE "C" PRIMARY KEY REFERENCES extensions (extension) ON DELETE CASCADE,
  password_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_sessions (
  token_hash bytea PRIMARY KEY,
  extension text COLLATE "C" NOT NULL REFERENCES extensions (extension) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_sessions_extension_idx ON user_sessions (extension);

-- Down Migration
DROP TABLE user_sessions;
DROP TABLE user_credentials;
