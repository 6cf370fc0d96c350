-- Up Migration
-- Privacy by design (issue 17, docs/privacy.md): what admin keeps of where users were and where their
-- calls went, each row deleted by the retention sweep once older than the retention.
-- * presence_history: one row per change of the place router puts a device at ('' = no known
--   place). Nothing else of the phone's report: no network names, access point addresses or signal.
-- * call_history: one row per call router answered (CallRouted).
-- Both go with the user (ON DELETE CASCADE). Rows have a surrogate id so the sweep can delete in
-- small batches (id = ANY(ARRAY(SELECT ... LIMIT n))) and never hold long locks.
CREATE TABLE presence_history (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  extension text COLLATE "C" NOT NULL REFERENCES extensions (extension) ON DELETE CASCADE,
  device_id text COLLATE "C" NOT NULL,
  place_name text NOT NULL DEFAULT ''
);
CREATE INDEX presence_history_extension_at ON presence_history (extension, at DESC);
CREATE INDEX presence_history_at ON presence_history (at);
-- the device's last recorded place, read once per device after a start (recorder seeding)
CREATE INDEX presence_history_device_at ON presence_history (device_id, at DESC);

CREATE TABLE call_history (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  extension text COLLATE "C" NOT NULL REFERENCES extensions (extension) ON DELETE CASCADE,
  call_id text NOT NULL,
  caller_id_num text NOT NULL DEFAULT '',
  target_dial text NOT NULL DEFAULT '',
  target_name text NOT NULL DEFAULT '',
  scenario_name text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT '',
  fallback boolean NOT NULL DEFAULT false
);
CREATE INDEX call_history_extension_at ON call_history (extension, at DESC);
CREATE INDEX call_history_at ON call_history (at);

-- The retention is the row 'privacy' = { "retentionDays": n } of `settings` (1700000000300); no row =
-- the configured default (ADMIN_RETENTION_DAYS).

-- Down Migration
DELETE FROM settings WHERE name = 'privacy';
DROP TABLE call_history;
DROP TABLE presence_history;
