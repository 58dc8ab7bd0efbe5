#!/usr/bin/env bash
# Fails fast, saying how to start them, when PostgreSQL or Redis is unreachable.
# With --start it starts the machine's own instances first (CI does this).
set -euo pipefail

PGHOST_CHECK="${PGHOST_CHECK:-127.0.0.1}"
PGPORT_CHECK="${PGPORT_CHECK:-5432}"
REDIS_HOST_CHECK="${REDIS_HOST_CHECK:-127.0.0.1}"
REDIS_PORT_CHECK="${REDIS_PORT_CHECK:-6379}"

postgres_up() { pg_isready -q -h "$PGHOST_CHECK" -p "$PGPORT_CHECK" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h "$REDIS_HOST_CHECK" -p "$REDIS_PORT_CHECK" ping 2>/dev/null)" = "PONG" ]; }

if [ "${1:-}" = "--start" ]; then
  if ! postgres_up && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
  fi
  if ! redis_up && command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT_CHECK" --save "" --appendonly no || true
    for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  fi
fi

failed=0
if ! postgres_up; then
  echo "PostgreSQL is not reachable at $PGHOST_CHECK:$PGPORT_CHECK." >&2
  echo "  Start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  echo "  (or: docker compose up -d postgres)" >&2
  failed=1
fi
if ! redis_up; then
  echo "Redis is not reachable at $REDIS_HOST_CHECK:$REDIS_PORT_CHECK." >&2
  echo "  Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no" >&2
  echo "  (or: docker compose up -d redis)" >&2
  failed=1
fi
exit $failed
