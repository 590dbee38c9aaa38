#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: Debian's Chromium (the UI tests drive it
# with Playwright; no browser is downloaded) and llama-server (built once, cached outside the repo).
# Each is optional: the tests that need a missing one skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
      >/dev/null 2>&1 || echo "warning: could not install chromium; browser tests will skip"
  else
    echo "warning: /usr/bin/chromium missing (apt-get install chromium); browser tests will skip"
  fi
fi
log=$(mktemp)
if ! binary=$(scripts/build-llama-server.sh 2>"$log"); then
  tail -n 20 "$log"
  echo "warning: llama-server build failed; the LLM server tests will skip"
else
  echo "llama-server: $binary"
fi
rm -f "$log"
exit 0
