#!/usr/bin/env bash
# `python3 -m venv` needs ensurepip, which Debian and Ubuntu ship separately (python3-venv):
# install it when missing (root or sudo), as ensure_browser.sh does for chromium, or say how.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if "$PYTHON" -m ensurepip --version >/dev/null 2>&1; then
  exit 0
fi
# The versioned package is the one that carries ensurepip's wheels on current releases.
versioned="$("$PYTHON" -c 'import sys; print(f"python3.{sys.version_info.minor}-venv")')"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
    echo "python3-venv is missing: run 'sudo apt-get install python3-venv $versioned', then 'make' again" >&2
    exit 1
  fi
  SUDO="sudo -n"
fi
echo "installing python3-venv (apt-get) …"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv "$versioned" >/dev/null
