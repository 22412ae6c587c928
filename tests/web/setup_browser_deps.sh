#!/usr/bin/env bash
# Installs the browser tests' npm packages (pinned) into DIR/node_modules,
# once: playwright-core drives Debian's /usr/bin/chromium, axe-core checks
# accessibility. Nothing is committed; DIR is under the build tree.
# Usage: setup_browser_deps.sh DIR
set -euo pipefail
dir="$1"
mkdir -p "$dir"
want="playwright-core@1.65.1 axe-core@4.14.1"
if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm missing: run deploy/install-deps.sh"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium missing: run deploy/install-deps.sh"; exit 1; }
[ -f "$dir/package.json" ] || echo '{"name":"bibia-browser-tests","private":true}' > "$dir/package.json"
# shellcheck disable=SC2086
npm install --prefix "$dir" --no-audit --no-fund --save-exact $want >/dev/null
echo "$want" > "$dir/.installed"
echo "browser test deps: $want in $dir"
