#!/bin/sh
# Debian packages the tests need: Chromium for the browser tests (Playwright never downloads one),
# a CJK font and Pango for PDFs (WeasyPrint), gettext for `make messages`, libmagic for
# detecting data files' media types, xmlsec1 for SAML signatures (pysaml2). Needs root; a no-op when
# all are present.
set -e
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$missing fonts-noto-cjk"
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
command -v xmlsec1 >/dev/null 2>&1 || missing="$missing xmlsec1"
ldconfig -p 2>/dev/null | grep -q "libmagic.so.1" || missing="$missing libmagic1"
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install:$missing (as root, with apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
