#!/usr/bin/env bash
# The browser tests drive Debian's chromium; install it (and CJK fonts) when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null || { echo "chromium is missing: run 'apt-get install chromium fonts-noto-cjk' as root" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing chromium and CJK fonts (apt-get) …"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
