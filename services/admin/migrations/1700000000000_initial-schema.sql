-- Up Migration
-- Admin's source of truth. Runs with search_path set to DATABASE_SCHEMA (node-pg-migrate `schema`).

CREATE TABLE extensions (
  extension text COLLATE "C" PRIMARY KEY CHECK (extension ~ '^[0-9]{2,10}$'),
  display_name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE licences (
  id bigserial PRIMARY KEY,
  device_id text COLLATE "C" NOT NULL,
  tier text NOT NULL CHECK (tier IN ('free', 'standard', 'premium')),
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  issuer_key_id text NOT NULL,
  signature text NOT NULL,
  raw_file text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX licences_device_idx ON licences (device_id);

CREATE TABLE devices (
  device_id text COLLATE "C" PRIMARY KEY CHECK (device_id ~ '^[A-Za-z0-9]{4,64}$'),
  extension text COLLATE "C" NOT NULL REFERENCES extensions (extension),
  enabled boolean NOT NULL DEFAULT true,
  allow_create_targets boolean NOT NULL DEFAULT false,
  licence_id bigint REFERENCES licences (id) ON DELETE SET NULL,
  label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- "C" collation: the btree serves both `extension LIKE '23%'` and ORDER BY extension, device_id.
CREATE INDEX devices_extension_idx ON devices (extension, device_id);

CREATE TABLE destinations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text COLLATE "C" NOT NULL UNIQUE,
  dial text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('generic', 'specific')),
  extension text COLLATE "C" REFERENCES extensions (extension),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'generic' AND extension IS NULL AND name LIKE 'SMART-%')
      OR (scope = 'specific' AND extension IS NOT NULL AND name LIKE extension || '-%'))
);
CREATE INDEX destinations_extension_idx ON destinations (extension);

CREATE TABLE locations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  ssids text[] NOT NULL DEFAULT '{}',
  bssids text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scenarios (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  extension text COLLATE "C" NOT NULL REFERENCES extensions (extension),
  name text NOT NULL,
  position integer NOT NULL,
  rules jsonb NOT NULL DEFAULT '[]',
  destination_id uuid NOT NULL REFERENCES destinations (id),
  is_default boolean NOT NULL DEFAULT false,
  UNIQUE (extension, name),
  UNIQUE (extension, position)
);
CREATE UNIQUE INDEX scenarios_one_default ON scenarios (extension) WHERE is_default;
CREATE INDEX scenarios_destination_idx ON scenarios (destination_id);

CREATE TABLE server_keys (
  key_id serial PRIMARY KEY,
  secret_sealed bytea NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'retiring', 'retired')),
  not_after timestamptz,
  is_default boolean NOT NULL DEFAULT false,
  device_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);

CREATE TABLE admin_accounts (
  id serial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash bytea PRIMARY KEY,
  account_id integer NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE api_tokens (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  token_hash bytea NOT NULL UNIQUE,
  account_id integer NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  before jsonb,
  after jsonb
);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Transactional outbox: written in the same transaction as the change, published in seq order.
CREATE TABLE outbox (
  seq bigint PRIMARY KEY,
  subject_kind text NOT NULL CHECK (subject_kind IN ('device', 'keyring', 'user', 'destination')),
  kv_key text,
  kv_delete boolean NOT NULL DEFAULT false,
  sealed boolean NOT NULL DEFAULT false,
  event bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE SEQUENCE outbox_seq;
CREATE INDEX outbox_pending_idx ON outbox (seq) WHERE published_at IS NULL;

-- Down Migration
DROP TABLE outbox;
DROP SEQUENCE outbox_seq;
DROP TABLE audit_log;
DROP FUNCTION audit_log_is_append_only();
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE admin_accounts;
DROP TABLE server_keys;
DROP TABLE scenarios;
DROP TABLE locations;
DROP TABLE destinations;
DROP TABLE devices;
DROP TABLE licences;
DROP TABLE extensions;
