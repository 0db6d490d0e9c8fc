#!/usr/bin/env bash
# Installs what the plugin's checks need from Debian's packages, when missing:
#   php-cli      `php -l` over every PHP file          (PHP 8.2 on Debian 12)
#   phpunit      the tests                              (PHPUnit 9.6 on Debian 12)
#   php-sqlite3  the tests' WordPress runs on SQLite   (pdo_sqlite)
# Idempotent and non-interactive. With all present it does nothing and touches no network; it runs
# `apt-get update` only when the package lists cannot provide a missing package. Needs root (or
# passwordless sudo) only when something must be installed. CI calls it on a fresh machine.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
PACKAGES=(php-cli phpunit php-sqlite3)

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ] && command -v php >/dev/null 2>&1 && command -v phpunit >/dev/null 2>&1; then
  echo "install-php: php, phpunit and php-sqlite3 present ($(php -r 'echo PHP_VERSION;'), $(phpunit --version | head -n 1))"
  exit 0
fi
[ "${#missing[@]}" -eq 0 ] && missing=("${PACKAGES[@]}") # installed but not on PATH: reinstall

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-php: missing ${missing[*]}; run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# The lists can provide a package when apt knows a candidate version for it.
has_candidate() {
  local candidate
  candidate="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

install() {
  timeout 1200 "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
}

updated=no
for pkg in "${missing[@]}"; do
  if ! has_candidate "$pkg"; then
    echo "install-php: apt-get update (no candidate for $pkg in the package lists)"
    timeout 600 "${SUDO[@]}" apt-get update -qq
    updated=yes
    break
  fi
done

echo "install-php: installing ${missing[*]}"
if ! install; then
  # Stale lists (a version that the mirror no longer has): refresh once and retry.
  [ "$updated" = yes ] && exit 1
  echo "install-php: install failed; apt-get update and retry"
  timeout 600 "${SUDO[@]}" apt-get update -qq
  install
fi

command -v php >/dev/null 2>&1 || { echo "install-php: php is still missing" >&2; exit 1; }
command -v phpunit >/dev/null 2>&1 || { echo "install-php: phpunit is still missing" >&2; exit 1; }
echo "install-php: done ($(php -r 'echo PHP_VERSION;'), $(phpunit --version | head -n 1))"
