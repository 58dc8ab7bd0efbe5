#!/usr/bin/env bash
# Creates the local database if needed and runs every service's migrations (after `npm run build`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/platform-env.sh
bash scripts/check-infrastructure.sh
ensure_database
migrate_all
