#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer before anything uses them.
#
# A service on this machine that is installed but stopped is started; one that
# is missing, or that DATABASE_URL / REDIS_URL place on another host, is
# reported and the command fails: the application never falls back to
# something else.
set -euo pipefail

fail() { echo "ERROR: $*" >&2; exit 1; }

pg_host=127.0.0.1 pg_port=5432 redis_host=127.0.0.1 redis_port=6379
read -r pg_host pg_port redis_host redis_port < <(python3 - <<'PY'
import os
from urllib.parse import urlsplit
db = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dialogue_event"))
redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
print(db.hostname or "127.0.0.1", db.port or 5432, redis.hostname or "127.0.0.1", redis.port or 6379)
PY
)
is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 ]]; }

postgres_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$pg_host" -p "$pg_port" -t 2
  else # an open port at least; ensure_database reports a server that does not answer
    python3 -c "import socket; socket.create_connection(('$pg_host', $pg_port), timeout=2).close()" 2>/dev/null
  fi
}
redis_up() { [[ "$(printf 'PING\r\n' | timeout 2 bash -c "exec 3<>/dev/tcp/$redis_host/$redis_port; cat >&3; head -c 5 <&3" 2>/dev/null)" == "+PONG" ]]; }

wait_for() { # name, check function
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  fail "$1 did not start within 30 seconds."
}

if ! postgres_up; then
  if is_local "$pg_host" && compgen -G "/etc/postgresql/*" >/dev/null && command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is not running on $pg_host:$pg_port; starting it."
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
    done
    wait_for PostgreSQL postgres_up
  else
    fail "PostgreSQL is not reachable at $pg_host:$pg_port and is not installed here to start. Start it or set DATABASE_URL."
  fi
fi

if ! redis_up; then
  if is_local "$redis_host" && command -v redis-server >/dev/null; then
    echo "Redis is not running on $redis_host:$redis_port; starting it."
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for Redis redis_up
  else
    fail "Redis is not reachable at $redis_host:$redis_port and is not installed here to start. Start it or set REDIS_URL."
  fi
fi
echo "PostgreSQL ($pg_host:$pg_port) and Redis ($redis_host:$redis_port) are up."
