#!/usr/bin/env bash
# The plugin's PHP checks: `php -l` over every PHP file, then PHPUnit inside real WordPress, twice:
# on a single site (phpunit.xml.dist) and on a multisite network of two sites with the plugin
# network-activated (phpunit-multisite.xml.dist: the same tests plus tests/multisite/). For each run
# tests/bootstrap.php makes a throwaway site (the offline core of scripts/wordpress-core.sh on a fresh
# SQLite database) and its local presence server, and removes both when the run ends. Arguments go
# to both runs (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."

bash bin/lint-php.sh
missing=()
command -v phpunit >/dev/null 2>&1 || missing+=(phpunit)
php -r 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);' || missing+=(php-sqlite3)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-php: missing ${missing[*]}; install with: bash wordpress-plugin/bin/install-php.sh" >&2
  exit 1
fi
phpunit "$@"
phpunit -c phpunit-multisite.xml.dist "$@"
