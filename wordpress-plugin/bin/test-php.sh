#!/usr/bin/env bash
# The plugin's PHP checks: `php -l` over every PHP file, then PHPUnit (phpunit.xml.dist).
set -euo pipefail
cd "$(dirname "$0")/.."

bash bin/lint-php.sh
if ! command -v phpunit >/dev/null 2>&1; then
  echo "test-php: phpunit not found; install it with: bash wordpress-plugin/bin/install-php.sh" >&2
  exit 1
fi
phpunit "$@"
