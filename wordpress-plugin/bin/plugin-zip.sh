#!/usr/bin/env bash
# Builds the installable plugin zip with `wp-scripts plugin-zip`: the files of the "files" field of
# package.json, in a vip-presence/ folder (npm's file list always adds package.json and README.md too).
# wp-scripts names the zip after the npm package (@vip-presence/wordpress-plugin.zip); it is moved to
# the path asked for.
#
# Usage: npm run plugin-zip -w @vip-presence/wordpress-plugin [-- output.zip]
#        (default: wordpress-plugin/vip-presence.zip; a relative path is taken from wordpress-plugin/)
set -euo pipefail
cd "$(dirname "$0")/.."
output="$(realpath -m -- "${1:-vip-presence.zip}")"

for path in build/client.js build/client.asset.php build/widget.js build/widget.asset.php build/block/block.json; do
  [ -f "$path" ] || { echo "plugin-zip: $path is missing (run \`npm run build\` first)" >&2; exit 1; }
done
rm -rf @vip-presence
wp-scripts plugin-zip --root-folder=vip-presence
mv @vip-presence/wordpress-plugin.zip "$output"
rmdir @vip-presence
echo "plugin-zip: $output"
