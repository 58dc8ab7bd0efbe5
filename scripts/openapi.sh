#!/usr/bin/env bash
# `npm run openapi`: rebuilds the API contract from the gateway's decorators
# (libs/api-client/openapi.json) and the client's types from it
# (libs/api-client/src/schema.d.ts). No database or Redis needed.
# `--check` (part of `npm test`): rebuilds into a temporary directory, fails
# when the committed files differ, and lints the document with Redocly.
set -euo pipefail
cd "$(dirname "$0")/.."

client=libs/api-client
target="$client"
if [ "${1:-}" = "--check" ]; then
  target="$(mktemp -d)"
  trap 'rm -rf "$target"' EXIT
fi

TS_NODE_PROJECT="$PWD/tsconfig.json" node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/openapi.ts "$target" >/dev/null
mkdir -p "$target/src"
node scripts/openapi-types.mjs "$target/openapi.json" "$target/src/schema.d.ts"

if [ "$target" != "$client" ]; then
  stale=0
  for file in openapi.json src/schema.d.ts; do
    if ! diff -q "$client/$file" "$target/$file" >/dev/null 2>&1; then
      echo "$client/$file is not what the gateway's decorators produce:" >&2
      diff -u "$client/$file" "$target/$file" 2>&1 | head -40 >&2 || true
      stale=1
    fi
  done
  if [ "$stale" = 1 ]; then
    echo "The API contract is stale: run npm run openapi (and commit the result)." >&2
    exit 1
  fi
  npx --no-install redocly lint --config redocly.yaml "$target/openapi.json" --format=stylish 2>&1 | grep -v -e '^ *║' -e '^ *╔' -e '^ *╚' | sed '/^[[:space:]]*$/d'
  exit "${PIPESTATUS[0]}"
fi
echo "wrote $client/openapi.json and $client/src/schema.d.ts"
