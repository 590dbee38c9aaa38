#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: Debian's Chromium (the UI tests drive it
# with Playwright; no browser is downloaded). It is optional: the tests that need it skip and
# say why. The LLM server tests need nothing here: xllamacpp is a Python package.
set -uo pipefail
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
      >/dev/null 2>&1 || echo "warning: could not install chromium; browser tests will skip"
  else
    echo "warning: /usr/bin/chromium missing (apt-get install chromium); browser tests will skip"
  fi
fi
exit 0
