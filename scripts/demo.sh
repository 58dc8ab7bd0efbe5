#!/usr/bin/env bash
# The whole platform on this machine with a demo district: install, build
# (the five apps and the web app), migrate, seed, start the five apps, print
# the web app's and the gateway's URLs. Ctrl-C stops
# them gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/platform-env.sh

bash scripts/check-infrastructure.sh
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
npm run build --silent
ensure_database
migrate_all
DATABASE_URL="$(app_database_url gateway)" node "$(app_entry gateway)" seed-demo

mkdir -p .demo/logs
# Without a mail server of its own, the demo keeps every e-mail (invitations, resets, reminders, escalations, digests, exports) as an .eml file.
if [ -z "${SMTP_URL:-}" ]; then
  export MAIL_DIR="${MAIL_DIR:-$PWD/.demo/mail}"
  mkdir -p "$MAIL_DIR"
  mail_info="E-mail:   written as .eml files to ${MAIL_DIR} (set SMTP_URL to send them)"
else
  mail_info="E-mail:   sent through SMTP_URL"
fi
pids=()
stop_all() {
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop_all INT TERM

for app in "${SL_APPS[@]}"; do
  HTTP_PORT="$(app_port "$app")" METRICS_PORT="$(app_metrics_port "$app")" DATABASE_URL="$(app_database_url "$app")" \
    node "$(app_entry "$app")" serve >".demo/logs/$app.log" 2>&1 &
  pids+=($!)
done

for app in "${SL_APPS[@]}"; do
  port="$(app_port "$app")"
  for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:${port}/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${port}/health/ready" >/dev/null || { echo "$app did not become ready; see .demo/logs/$app.log" >&2; stop_all; exit 1; }
done

gateway="http://127.0.0.1:$(app_port gateway)"
# The tutor's week (work orders, a weekly series per group), written through the API like any district's schedule.
TS_NODE_PROJECT="$PWD/tsconfig.json" node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/demo-schedule.ts "$gateway" "$DEMO_PASSWORD" ||
  echo "the demo schedule could not be written; the apps run without it" >&2
cat <<INFO

Sessionledger is running.
  Web app:  ${gateway}/           (sign in as tutor@demo.sessionledger.test)
  Gateway:  ${gateway}/api        (OpenAPI: ${gateway}/api/docs)
  Sign in:  curl -s ${gateway}/api/auth/login -H 'content-type: application/json' \\
              -d '{"email":"district-admin@demo.sessionledger.test","password":"${DEMO_PASSWORD}"}'
  Users:    district-admin@, school-admin@, tutor@, coach@, payroll@, guardian@, student@demo.sessionledger.test
            (second district: the same names @riverside.sessionledger.test), password: ${DEMO_PASSWORD}
  Metrics:  http://127.0.0.1:9464/metrics (gateway; the other apps on 9465-9468)
  Logs:     .demo/logs/<app>.log (JSON lines)
  ${mail_info}
Press Ctrl-C to stop.
INFO
wait
