#!/usr/bin/env bash
# make backup: the database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT: the outcome documents) into var/backups/<UTC time>/, with their
# checksums. Prints the new backup's directory last. See README "Backups".
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "ERROR: $*" >&2; exit 1; }
PYTHON=${PYTHON:-.venv/bin/python}
command -v pg_dump >/dev/null || fail "pg_dump is needed (Debian: apt-get install postgresql-client)."

settings=$("$PYTHON" scripts/backup_settings.py) || fail "Could not read the settings."
eval "$settings"

root=${BACKUP_ROOT:-var/backups}
target="$root/$(date -u +%Y%m%d-%H%M%S)"
[[ ! -e "$target" ]] || fail "$target exists already; try again in a second."
mkdir -p "$target.partial"
# Written aside and renamed at the end, so that a directory without
# ".partial" is always a whole backup.
trap 'rm -rf "$target.partial"' EXIT

pg_dump --format=custom --file="$target.partial/database.dump" \
  || fail "pg_dump could not dump $PGDATABASE."
if [[ -d "$MEDIA_ROOT" ]]; then
  tar --create --gzip --file="$target.partial/media.tar.gz" --directory="$MEDIA_ROOT" .
else # nothing uploaded yet: an empty archive, so that every backup looks the same
  tar --create --gzip --file="$target.partial/media.tar.gz" --files-from=/dev/null
fi
(cd "$target.partial" && sha256sum database.dump media.tar.gz > SHA256SUMS)

mv "$target.partial" "$target"
trap - EXIT
echo "Backed up database $PGDATABASE and $MEDIA_ROOT:"
echo "$target"
