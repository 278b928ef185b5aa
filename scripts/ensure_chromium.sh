#!/usr/bin/env bash
# The browser tests drive Debian's chromium; Playwright's own browser download
# does not work on these machines, so install the distribution's package.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "ERROR: the browser tests need /usr/bin/chromium. Install Debian's chromium package (apt-get install chromium)." >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
