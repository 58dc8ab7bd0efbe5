#!/usr/bin/env bash
# Local settings shared by the demo and the local migrate command. Override any of them from the environment.
export PGHOST_LOCAL="${PGHOST_LOCAL:-127.0.0.1}"
export PGPORT_LOCAL="${PGPORT_LOCAL:-5432}"
export SL_DATABASE="${SL_DATABASE:-sessionledger}"
export MIGRATION_DATABASE_URL="${MIGRATION_DATABASE_URL:-postgres://postgres@${PGHOST_LOCAL}:${PGPORT_LOCAL}/${SL_DATABASE}}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export NODE_ENV="${NODE_ENV:-development}"
export DEMO_PASSWORD="${DEMO_PASSWORD:-demo-password-1}"

# A random signing secret per checkout, kept in the git-ignored .demo/ so tokens survive a
# restart; never the same on two machines, so nobody can mint tokens for someone's demo.
if [ -z "${JWT_SECRET:-}" ]; then
  if [ ! -s .demo/jwt-secret ]; then
    mkdir -p .demo
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64url"))' > .demo/jwt-secret)
  fi
  JWT_SECRET="$(cat .demo/jwt-secret)"
  export JWT_SECRET
fi

# Likewise the key sealing districts' SSO client secrets (32 random bytes, base64): a production
# gateway refuses to start without one, and a new key would make stored client secrets unreadable.
if [ -z "${SSO_SECRET_KEY:-}" ]; then
  if [ ! -s .demo/sso-secret-key ]; then
    mkdir -p .demo
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))' > .demo/sso-secret-key)
  fi
  SSO_SECRET_KEY="$(cat .demo/sso-secret-key)"
  export SSO_SECRET_KEY
fi

SL_APPS=(gateway scheduling session-log payroll state-reporting)

app_entry() { echo "dist/apps/$1/apps/$1/src/main.js"; }
app_port() {
  case "$1" in
    gateway) echo "${GATEWAY_PORT:-3000}" ;;
    scheduling) echo 3001 ;;
    session-log) echo 3002 ;;
    payroll) echo 3003 ;;
    state-reporting) echo 3004 ;;
  esac
}
# Each app's /metrics port; apps on one machine cannot share 9464.
app_metrics_port() {
  case "$1" in
    gateway) echo 9464 ;;
    scheduling) echo 9465 ;;
    session-log) echo 9466 ;;
    payroll) echo 9467 ;;
    state-reporting) echo 9468 ;;
  esac
}
app_database_url() { echo "postgres://sl_${1//-/_}@${PGHOST_LOCAL}:${PGPORT_LOCAL}/${SL_DATABASE}"; }

ensure_database() {
  if ! psql -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL" -U postgres -d postgres -tAc "select 1 from pg_database where datname = '${SL_DATABASE}'" | grep -q 1; then
    psql -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL" -U postgres -d postgres -qc "create database ${SL_DATABASE}"
  fi
}

migrate_all() {
  for app in "${SL_APPS[@]}"; do
    DATABASE_URL="$(app_database_url "$app")" node "$(app_entry "$app")" migrate
  done
}
