-- Up Migration
-- Per-device enrolment (docs/protocol.md section 3.3, docs/api.md "Enrolment"): a device's own keys
-- are rows of server_keys with device_id set (one key-id sequence for both, so a key id names one
-- key); an enrolled device is accepted only under them. New devices are enrolled by default; devices
-- that exist before this migration stay on the server key (the original model) until enrolled.
ALTER TABLE devices ADD COLUMN enrolled boolean NOT NULL DEFAULT false;

ALTER TABLE server_keys
  ADD CONSTRAINT server_keys_device_fk FOREIGN KEY (device_id) REFERENCES devices (device_id) ON DELETE CASCADE;
CREATE INDEX server_keys_device_idx ON server_keys (device_id) WHERE device_id IS NOT NULL;

-- Settings that are one value for the whole installation.
CREATE TABLE settings (
  name text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);

ALTER TABLE outbox DROP CONSTRAINT outbox_subject_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_kind_check
  CHECK (subject_kind IN ('device', 'keyring', 'user', 'destination', 'device_keys'));
