#!/usr/bin/env bash
# Runs the whole jest suite and closes with one plain "N passed, N failed" line.
set -uo pipefail
report="$(mktemp)"
npx jest --ci --json --outputFile="$report" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  // The slowest files first: where the suite'"'"'s time goes, for whoever has to keep it short.
  const files = r.testResults.map((f) => ({ seconds: (f.endTime - f.startTime) / 1000, file: require("path").relative(process.cwd(), f.name) }));
  for (const { seconds, file } of files.sort((a, b) => b.seconds - a.seconds).slice(0, 10)) console.log(`${seconds.toFixed(0).padStart(5)} s  ${file}`);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$report" 2>/dev/null || { echo "jest wrote no report" >&2; status=1; }
rm -f "$report"
exit $status
