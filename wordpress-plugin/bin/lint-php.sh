#!/usr/bin/env bash
# `php -l` over every PHP file of the plugin (sources, tests and the generated build/*.asset.php).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v php >/dev/null 2>&1; then
  echo "lint-php: php not found; install it with: bash wordpress-plugin/bin/install-php.sh" >&2
  exit 1
fi

count=0
failed=0
while IFS= read -r -d '' file; do
  count=$((count + 1))
  if ! output="$(php -d display_errors=1 -l "$file" 2>&1)"; then
    echo "$output" >&2
    failed=$((failed + 1))
  fi
done < <(find . -name '*.php' -not -path './node_modules/*' -not -path './vendor/*' -print0 | sort -z)

if [ "$failed" -gt 0 ]; then
  echo "lint-php: $failed of $count PHP files have syntax errors" >&2
  exit 1
fi
echo "lint-php: $count PHP files, no syntax errors ($(php -r 'echo PHP_VERSION;'))"
