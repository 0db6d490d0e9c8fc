#!/usr/bin/env bash
# Builds an offline WordPress core from Debian's packages (WordPress 6.1.x on Debian 12), for wp-env's
# Playground runtime on machines that cannot reach wordpress.org. See shared/notes/wp-env-offline.md.
#
#   scripts/wordpress-core.sh              build .cache/wordpress-core once (skipped when built)
#   scripts/wordpress-core.sh --force      rebuild it
#   scripts/wordpress-core.sh --copy DIR   build if needed, then make DIR a fresh copy of it
#                                          (the SQLite database lives inside the core folder, so each
#                                          run gets its own copy for a clean site)
#
# Prints the path of the pristine core (or of DIR) on its last line of stdout; messages go to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORE="${WORDPRESS_CORE_DIR:-$ROOT/.cache/wordpress-core}"
STAMP="$CORE/.vip-presence-core"
# Bump when the recipe below changes, so existing builds are redone.
RECIPE=1
PACKAGES=(wordpress wordpress-theme-twentytwentythree libjs-underscore libjs-cropper php-getid3)
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

force=0
copy_to=""
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --copy) copy_to="${2:?--copy needs a folder}"; shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "wordpress-core: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "wordpress-core: $*" >&2; }

build() {
  for tool in apt-get apt-cache dpkg-deb; do
    command -v "$tool" >/dev/null || { log "needs $tool (Debian)"; exit 1; }
  done
  [ -s "$CA_BUNDLE" ] || { log "needs $CA_BUNDLE (apt-get install ca-certificates, or scripts/install-system-deps.sh)"; exit 1; }

  # apt-get download needs package lists; a fresh machine may have none yet.
  if ! apt-cache show wordpress >/dev/null 2>&1; then
    log "no package lists yet: apt-get update"
    if [ "$(id -u)" -eq 0 ]; then timeout 600 apt-get update -qq; else timeout 600 sudo -n apt-get update -qq; fi
  fi

  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/vip-presence-wpcore.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  chmod 755 "$work"

  log "downloading ${PACKAGES[*]}"
  local sandbox=()
  # As root, apt drops to the _apt user for downloads; it cannot write into a private temp folder.
  [ "$(id -u)" -eq 0 ] && sandbox=(-o APT::Sandbox::User=root)
  (cd "$work" && timeout 300 apt-get download -qq "${sandbox[@]}" "${PACKAGES[@]}") >&2

  mkdir -p "$work/root"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

  local src="$work/root/usr/share/wordpress"
  [ -f "$src/wp-includes/version.php" ] || { log "no WordPress in the downloaded packages"; exit 1; }
  # Debian's own config and its absolute symlinks into /etc have no place in a standalone core.
  rm -f "$src/wp-config.php" "$src/.htaccess" "$src/wp-includes/certificates/ca-bundle.crt"

  local tmp="$CORE.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # -L turns Debian's relative symlinks (underscore, cropper, getID3, the theme) into real files.
  cp -rL "$src/." "$tmp/"
  cp "$CA_BUNDLE" "$tmp/wp-includes/certificates/ca-bundle.crt"
  mkdir -p "$tmp/wp-content/uploads"

  local version
  version="$(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" "$tmp/wp-includes/version.php")"
  [ -d "$tmp/wp-content/themes/twentytwentythree" ] || { log "theme twentytwentythree missing"; exit 1; }
  printf 'recipe=%s\nversion=%s\n' "$RECIPE" "$version" >"$tmp/.vip-presence-core"

  rm -rf "$CORE"
  mkdir -p "$(dirname "$CORE")"
  mv "$tmp" "$CORE"
  log "built WordPress $version in $CORE"
}

if [ "$force" -eq 1 ] || ! grep -qx "recipe=$RECIPE" "$STAMP" 2>/dev/null; then
  build
else
  log "already built: $(sed -n 's/^version=//p' "$STAMP") in $CORE"
fi

if [ -n "$copy_to" ]; then
  case "$copy_to" in /*) ;; *) copy_to="$PWD/$copy_to" ;; esac
  [ "$copy_to" != "$CORE" ] || { log "--copy target is the pristine core itself"; exit 2; }
  rm -rf "$copy_to"
  mkdir -p "$(dirname "$copy_to")"
  cp -a "$CORE" "$copy_to"
  echo "$copy_to"
else
  echo "$CORE"
fi
