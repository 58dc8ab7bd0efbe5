#!/usr/bin/env bash
# Sourced by .ci/run: makes `npm` and `npx` work even when the machine's npm is
# missing or broken (seen: a Node.js package upgrade left /usr/bin/npm pointing
# at files it had removed). Fetches the npm release this project's lockfile was
# written with from the npm registry into .tools/ (git-ignored) and puts it first
# on PATH; does nothing when the machine's npm answers.
NPM_RELEASE="11.19.1"

if npm --version >/dev/null 2>&1; then
  return 0 2>/dev/null || exit 0
fi

tools_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools"
npm_dir="$tools_dir/npm-$NPM_RELEASE"
if [ ! -f "$npm_dir/bin/npm-cli.js" ]; then
  echo "npm is missing or broken here; fetching npm $NPM_RELEASE from the npm registry" >&2
  mkdir -p "$npm_dir"
  curl -sSfL "https://registry.npmjs.org/npm/-/npm-$NPM_RELEASE.tgz" | tar xz -C "$npm_dir" --strip-components=1
fi
mkdir -p "$tools_dir/bin"
printf '#!/bin/sh\nexec node "%s/bin/npm-cli.js" "$@"\n' "$npm_dir" > "$tools_dir/bin/npm"
printf '#!/bin/sh\nexec node "%s/bin/npx-cli.js" "$@"\n' "$npm_dir" > "$tools_dir/bin/npx"
chmod +x "$tools_dir/bin/npm" "$tools_dir/bin/npx"
export PATH="$tools_dir/bin:$PATH"
npm --version >/dev/null
