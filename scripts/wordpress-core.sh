#!/usr/bin/env bash
# Builds an offline WordPress core for wp-env's Playground runtime on machines that cannot reach
# wordpress.org (see shared/notes/wp-env-offline.md). Two cores:
#   - Debian's packages (WordPress 6.1.x on Debian 12), the oldest version the plugin claims;
#   - with --newest, the newest WordPress that installs offline: Playground's build of it from the
#     npm package @wp-playground/wordpress-builds (fetched once with `npm pack` into .cache/).
#
#   scripts/wordpress-core.sh [--newest]              build the core once (skipped when built)
#   scripts/wordpress-core.sh [--newest] --force      rebuild it
#   scripts/wordpress-core.sh [--newest] --copy DIR   build if needed, then make DIR a fresh copy of it
#                                          (the SQLite database lives inside the core folder, so each
#                                          run gets its own copy for a clean site)
#
# Prints the path of the pristine core (or of DIR) on its last line of stdout; messages go to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Bump when a recipe below changes, so existing builds are redone.
RECIPE=1
PACKAGES=(wordpress wordpress-theme-twentytwentythree libjs-underscore libjs-cropper php-getid3)
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
# The newest build that runs under Playground offline: the nightly 6.7-alpha-58716 (its name in the
# package's src/wordpress/wp-versions.json is "nightly"; 6.6-RC3 is "beta", then 6.5 ... 6.2).
BUILDS_PACKAGE=@wp-playground/wordpress-builds@0.9.19
BUILDS_TARBALL=wp-playground-wordpress-builds-0.9.19.tgz
NEWEST_BUILD=nightly
NEWEST_RECIPE=1

force=0
newest=0
copy_to=""
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --newest) newest=1 ;;
    --copy) copy_to="${2:?--copy needs a folder}"; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "wordpress-core: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$newest" -eq 1 ]; then
  CORE="${WORDPRESS_NEWEST_CORE_DIR:-$ROOT/.cache/wordpress-newest}"
  RECIPE="newest-$NEWEST_RECIPE-$NEWEST_BUILD"
else
  CORE="${WORDPRESS_CORE_DIR:-$ROOT/.cache/wordpress-core}"
fi
STAMP="$CORE/.vip-presence-core"

log() { echo "wordpress-core: $*" >&2; }

# Moves the finished core folder $1 into place and stamps it with the recipe and its version.
install_core() {
  local tmp="$1" version
  version="$(sed -n "s/.*\$wp_version = '\([^']*\)'.*/\1/p" "$tmp/wp-includes/version.php")"
  [ -n "$version" ] || { log "no WordPress version in $tmp/wp-includes/version.php"; exit 1; }
  printf 'recipe=%s\nversion=%s\n' "$RECIPE" "$version" >"$tmp/.vip-presence-core"
  rm -rf "$CORE"
  mkdir -p "$(dirname "$CORE")"
  mv "$tmp" "$CORE"
  log "built WordPress $version in $CORE"
}

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

  [ -d "$tmp/wp-content/themes/twentytwentythree" ] || { log "theme twentytwentythree missing"; exit 1; }
  install_core "$tmp"
}

# Playground's builds are trimmed: src/wordpress/wp-<build>.zip holds the PHP, and the static files
# it lacks (listed in its wordpress-remote-asset-paths, which Playground's web app fetches from its
# server) are in public/wp-<build>/ of the same package: the core is the zip plus those files.
build_newest() {
  for tool in npm tar unzip; do
    command -v "$tool" >/dev/null || { log "needs $tool"; exit 1; }
  done
  [ -s "$CA_BUNDLE" ] || { log "needs $CA_BUNDLE (apt-get install ca-certificates)"; exit 1; }
  local cache="$ROOT/.cache/wordpress-builds"
  local tarball="$cache/$BUILDS_TARBALL"
  mkdir -p "$cache"
  if [ ! -s "$tarball" ]; then
    log "fetching $BUILDS_PACKAGE (158 MB, once) into $cache"
    # Into a folder of its own first, so that a cut-off download is never taken for the tarball.
    local part="$cache/.part.$$"
    rm -rf "$part"
    mkdir -p "$part"
    if ! (cd "$part" && timeout 600 npm pack "$BUILDS_PACKAGE" --silent >/dev/null) ||
      [ ! -s "$part/$BUILDS_TARBALL" ]; then
      rm -rf "$part"
      log "could not fetch $BUILDS_PACKAGE from the npm registry ($(npm config get registry)):"
      log "npm pack failed or took over 10 minutes. Or put $BUILDS_TARBALL into $cache by hand."
      exit 1
    fi
    mv "$part/$BUILDS_TARBALL" "$tarball"
    rm -rf "$part"
  fi

  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/vip-presence-wpnewest.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  local zip="package/src/wordpress/wp-$NEWEST_BUILD.zip" public="package/public/wp-$NEWEST_BUILD"
  timeout 300 tar -xzf "$tarball" -C "$work" "$zip" package/src/wordpress/wp-versions.json
  local tmp="$CORE.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  unzip -q "$work/$zip" -d "$tmp"
  [ -f "$tmp/wp-includes/version.php" ] || { log "no WordPress in $zip"; exit 1; }
  # The static files the zip lacks, from the package's public/ folder.
  sed "s|^|$public/|" "$tmp/wordpress-remote-asset-paths" >"$work/assets"
  timeout 300 tar -xzf "$tarball" -C "$work" -T "$work/assets" 2>/dev/null || true
  cp -r "$work/$public/." "$tmp/"
  # Playground's own config, database and leftovers have no place in a standalone core.
  rm -rf "$tmp/wp-config.php" "$tmp/wordpress-remote-asset-paths" "$tmp/wp-content/debug.log" \
    "$tmp/wp-content/database"
  cp "$CA_BUNDLE" "$tmp/wp-includes/certificates/ca-bundle.crt"
  mkdir -p "$tmp/wp-content/uploads"
  compgen -G "$tmp/wp-content/themes/*/style.css" >/dev/null || { log "no theme in $zip"; exit 1; }
  install_core "$tmp"
}

if [ "$force" -eq 1 ] || ! grep -qx "recipe=$RECIPE" "$STAMP" 2>/dev/null; then
  if [ "$newest" -eq 1 ]; then build_newest; else build; fi
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
