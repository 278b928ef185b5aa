#!/usr/bin/env bash
# make restore BACKUP=var/backups/<time> DATABASE_URL=postgres://.../<database>:
# a backup of scripts/backup.sh into a new (or empty) database, and its
# uploaded files into MEDIA_ROOT. It never overwrites a database that holds
# tables, nor an uploaded file. See README "Backups".
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "ERROR: $*" >&2; exit 1; }
usage="make restore BACKUP=var/backups/<time> DATABASE_URL=postgres://user@host:5432/<new database>"
PYTHON=${PYTHON:-.venv/bin/python}
backup=${1:-${BACKUP:-}}
[[ -n "$backup" ]] || fail "Which backup? $usage"
# Named every time, so that a restore never lands in the running application's database by default.
[[ -n "${DATABASE_URL:-}" ]] || fail "Into which database? $usage"
[[ -f "$backup/database.dump" && -f "$backup/media.tar.gz" ]] || fail "$backup is not a backup of 'make backup'."
for tool in pg_restore psql; do
  command -v "$tool" >/dev/null || fail "$tool is needed (Debian: apt-get install postgresql-client)."
done
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || fail "$backup is damaged: its checksums do not match."

settings=$("$PYTHON" scripts/backup_settings.py) || fail "Could not read the settings."
eval "$settings"

"$PYTHON" manage.py ensure_database
tables=$(psql --no-psqlrc --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
[[ "$tables" == 0 ]] || fail "Database $PGDATABASE already holds $tables tables: restore into a new database."

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$PGDATABASE" "$backup/database.dump" \
  || fail "pg_restore stopped; database $PGDATABASE is incomplete: drop it before trying again."
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$backup/media.tar.gz" --directory="$MEDIA_ROOT" --skip-old-files
echo "Restored $backup into database $PGDATABASE and $MEDIA_ROOT."
