#!/usr/bin/env bash
# Runs every bench/*.bench.ts in turn (or those whose name contains an argument:
# `npm run bench -- platform`), each in its own process, after checking that
# PostgreSQL and Redis are up. Each bench prints its table and also writes its
# result as JSON to bench/results/<name>-<UTC time>.json (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/check-infrastructure.sh
mkdir -p bench/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
failed=()
ran=0

for bench in bench/*.bench.ts; do
  name="$(basename "$bench" .bench.ts)"
  if [ "$#" -gt 0 ]; then
    wanted=0
    for filter in "$@"; do [[ "$name" == *"$filter"* ]] && wanted=1; done
    [ "$wanted" = 1 ] || continue
  fi
  ran=$((ran + 1))
  echo "=== bench: $name ($(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
  if ! TS_NODE_PROJECT="$PWD/tsconfig.json" BENCH_RESULT_FILE="$PWD/bench/results/$name-$stamp.json" \
    node -r ts-node/register/transpile-only -r tsconfig-paths/register "$bench"; then
    failed+=("$name")
  fi
  echo
done

if [ "$ran" = 0 ]; then
  echo "No bench matches: $*" >&2
  exit 2
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "Failed: ${failed[*]}" >&2
  exit 1
fi
