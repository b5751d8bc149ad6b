#!/usr/bin/env bash
# The fonts the annual report's PDF needs (reports/pdf_writer.py): the body's 仿宋 face ships in
# reports/fonts; the title, headings and page numbers use Debian's fonts-noto-cjk, installed here
# when missing. `make run` and `make test` call this; .ci/run installs the same package.
set -euo pipefail
FONT_DIR="${PORTAL_REPORT_FONT_DIR:-/usr/share/fonts/opentype/noto}"
if [ -f "$FONT_DIR/NotoSerifCJK-Regular.ttc" ] && [ -f "$FONT_DIR/NotoSerifCJK-Bold.ttc" ] \
    && [ -f "$FONT_DIR/NotoSansCJK-Bold.ttc" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if ! command -v sudo >/dev/null; then
    echo "The report's PDF needs Chinese fonts: run 'apt-get install fonts-noto-cjk' as root." >&2
    exit 1
  fi
  SUDO="sudo"
fi
echo "installing the CJK fonts of the report's PDF (apt-get install fonts-noto-cjk) …"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null
