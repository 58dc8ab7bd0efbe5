#!/usr/bin/env bash
# Runs the whole jest suite and closes with one plain "N passed, N failed" line.
set -uo pipefail
report="$(mktemp)"
npx jest --ci --json --outputFile="$report" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$report" 2>/dev/null || { echo "jest wrote no report" >&2; status=1; }
rm -f "$report"
exit $status
