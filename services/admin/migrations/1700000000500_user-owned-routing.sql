-- Up Migration
-- Users shape their own routing (issue 17, docs/self-service.md):
-- * a location with an extension is that user's own place ("remember this place" from the phone or
--   the self-service page); one without is shared, managed by administrators. Names are unique
--   among shared places and within one user's places.
-- * a scenario records who owns it: 'admin' (the console/API) or 'user' (the phone or the
--   self-service page). An administrator can lock a scenario: the user can then neither change nor
--   delete it.
-- * location_paused_at: the user paused location (privacy mode): router ignores presence and
--   stores none of it until resumed.
ALTER TABLE locations ADD COLUMN extension text COLLATE "C" REFERENCES extensions (extension) ON DELETE CASCADE;
ALTER TABLE locations DROP CONSTRAINT locations_name_key;
CREATE UNIQUE INDEX locations_shared_name ON locations (name) WHERE extension IS NULL;
CREATE UNIQUE INDEX locations_own_name ON locations (extension, name) WHERE extension IS NOT NULL;

ALTER TABLE scenarios ADD COLUMN owner text NOT NULL DEFAULT 'admin' CHECK (owner IN ('admin', 'user'));
ALTER TABLE scenarios ADD COLUMN locked boolean NOT NULL DEFAULT false;

ALTER TABLE extensions ADD COLUMN location_paused_at timestamptz;

-- Down Migration
ALTER TABLE extensions DROP COLUMN location_paused_at;
ALTER TABLE scenarios DROP COLUMN locked;
ALTER TABLE scenarios DROP COLUMN owner;
DROP INDEX locations_own_name;
DROP INDEX locations_shared_name;
DELETE FROM locations WHERE extension IS NOT NULL;
ALTER TABLE locations DROP COLUMN extension;
ALTER TABLE locations ADD CONSTRAINT locations_name_key UNIQUE (name);
