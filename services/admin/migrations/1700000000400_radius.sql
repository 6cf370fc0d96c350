-- Up Migration
-- Presence without the app (issue 20, docs/radius.md): access points and Wi-Fi controllers send
-- RADIUS accounting to ingest. accounting_clients are the senders ingest accepts (each with its
-- shared secret, sealed under the KEK like the server keys); device_wifi_macs say which device a
-- station MAC in that accounting is. A MAC names one device at most.
CREATE TABLE accounting_clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  -- an IPv4/IPv6 address or CIDR, in the canonical text admin validated (domain/ip-network.ts)
  network text NOT NULL CHECK (network::cidr IS NOT NULL),
  secret_sealed bytea NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE device_wifi_macs (
  device_id text NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,
  mac text NOT NULL UNIQUE CHECK (mac ~ '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'),
  PRIMARY KEY (device_id, mac)
);

ALTER TABLE outbox DROP CONSTRAINT outbox_subject_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_kind_check
  CHECK (subject_kind IN ('device', 'keyring', 'user', 'destination', 'device_keys', 'radius_clients'));

-- Down Migration
DELETE FROM outbox WHERE subject_kind = 'radius_clients';
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_kind_check
  CHECK (subject_kind IN ('device', 'keyring', 'user', 'destination', 'device_keys'));
DROP TABLE device_wifi_macs;
DROP TABLE accounting_clients;
