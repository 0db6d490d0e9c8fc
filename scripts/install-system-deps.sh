#!/usr/bin/env bash
# Installs, from Debian's packages, the system tools the tests and the local stack need, when missing.
# Idempotent and non-interactive: with everything present it installs nothing and does not touch the
# network. Needs root (or sudo) only when something must be installed. CI calls it first.
#
#   redis-server, redis-tools  integration tests and the e2e stack start their own redis-server
#   php-cli, phpunit           PHP unit tests and `php -l` of the plugin
#   php-sqlite3                the plugin's PHPUnit tests run WordPress on SQLite (pdo_sqlite)
#   chromium                   SDK tests and Playwright (Debian's build; no browser download here)
#   fonts-dejavu-core          text in headless Chromium screenshots
#   ca-certificates            the CA bundle copied into the offline WordPress core
# The offline WordPress core (scripts/wordpress-core.sh) needs only apt-get and dpkg-deb, which every
# Debian has; that script downloads its packages itself (no install).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# Packages installed without recommends (chromium's recommends pull in a desktop).
PACKAGES=(
  redis-server
  redis-tools
  php-cli
  phpunit
  php-sqlite3
  chromium
  fonts-dejavu-core
  ca-certificates
)

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all present (${PACKAGES[*]})"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "install-system-deps: missing ${missing[*]} and not root (no sudo); install them with apt-get" >&2
    exit 1
  fi
fi

echo "install-system-deps: installing ${missing[*]}"
# One update only, and only because something has to be installed.
timeout 600 "${SUDO[@]}" apt-get update -qq
timeout 1200 "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}"

# Debian starts redis-server as a service on install when an init system runs; the tests start their
# own instances on free ports, so a system one is not needed (and is left alone if it was there before).
for pkg in "${missing[@]}"; do
  is_installed "$pkg" || { echo "install-system-deps: $pkg did not install" >&2; exit 1; }
done
echo "install-system-deps: done"
