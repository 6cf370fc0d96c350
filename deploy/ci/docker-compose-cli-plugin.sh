#!/bin/sh
# Makes `docker compose ...` run Debian's docker-compose (1.29, package "docker-compose") on machines that
# have the Docker CLI but no Compose v2 plugin (Debian bookworm ships none). Used by the tests only, to check
# `docker compose -f deploy/compose.yaml config`; production hosts use Docker's own compose plugin.
# `npm test` installs it (scripts/ensure-test-deps.mjs) as ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-compose
# when `docker compose` does not work yet, and keeps that copy up to date; it never replaces a real plugin.
set -eu
if [ "${1:-}" = "docker-cli-plugin-metadata" ]; then
  printf '%s\n' '{"SchemaVersion":"0.1.0","Vendor":"Smart Assistant CI","Version":"1.29-debian-shim","ShortDescription":"Docker Compose (Debian docker-compose 1.29 shim)"}'
  exit 0
fi
[ "${1:-}" = "compose" ] && shift
exec /usr/bin/docker-compose "$@"
