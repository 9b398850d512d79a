#!/usr/bin/env bash
# Debian/Ubuntu packages mcdesk needs to run: Qt's xcb platform libraries, a font and
# Python's venv. With `--tests` also what the test suite uses: PostgreSQL (tests run a
# throwaway server), poppler-utils (tests read the code sheet PDF back with pdftotext)
# and Xvfb + openbox (a test checks the locked assessment window under a real X server
# and window manager). Installs only what is missing; needs root (or prints the command
# to run when not root). Chromium and its driver: the Teacher Resource Center is tested
# in a real headless browser (selenium).
set -euo pipefail

packages=(
  libegl1 libgl1 libglx0 libglvnd0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libfreetype6 libglib2.0-0 libdbus-1-3 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0
  libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0
  libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
  libxcb-xkb1 libxcb-glx0 fonts-dejavu-core
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(poppler-utils xvfb openbox postgresql chromium chromium-driver)
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
if [ "${MCDESK_WITH_XVFB:-0}" = 1 ]; then
  packages+=(imagemagick xdotool x11-utils)  # for looking at and driving a real window
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "note: not a Debian/Ubuntu system; install Qt 6's xcb libraries yourself." >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "mcdesk needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
