#!/usr/bin/env bash
# Installs what the test suite needs from Debian when it is missing: chromium (driven by
# Playwright; never a downloaded browser), a CJK font (so screenshots show Chinese) and gettext
# (makemessages in the translation test).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; }; then need+=(fonts-noto-cjk); fi
command -v xgettext >/dev/null || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "Installing from Debian: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
