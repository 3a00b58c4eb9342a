#!/usr/bin/env bash
# Fetches the prebuilt llama.cpp shared libraries of one node-llama-cpp binary package into DEST.
# Usage: fetch-llama-native.sh <npm-package@version> <dest-dir>
#
# Called by build/LlamaNative.targets only when DEST is missing. Safe when several projects build at once:
# each caller unpacks into its own temporary folder next to DEST and renames it into place; the loser of
# the race throws its copy away. DEST therefore either does not exist or is complete.
set -euo pipefail

spec="$1"
dest="${2%/}"
[ -d "$dest" ] && exit 0

if ! command -v npm >/dev/null 2>&1; then
  echo "error LLAMA001: npm (Node.js) is needed once to fetch $spec; install Node.js, or unpack that package's bins/<platform>/ folder into $dest" >&2
  exit 1
fi

parent="$(dirname "$dest")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "Fetching $spec into $dest (once; the folder is ignored by git)"
(cd "$tmp" && npm pack --silent --loglevel=error "$spec" >/dev/null)
tgz="$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)"
if [ -z "$tgz" ]; then
  echo "error LLAMA002: npm pack $spec produced no archive; check the registry connection" >&2
  exit 1
fi

mkdir "$tmp/x"
tar -xzf "$tgz" -C "$tmp/x" package/bins
bins="$(find "$tmp/x/package/bins" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
if [ -z "$bins" ] || ! ls "$bins"/libllama*.so >/dev/null 2>&1; then
  echo "error LLAMA003: $spec has no bins/<platform>/libllama*.so; is the package version right?" >&2
  exit 1
fi

# Keep only the shared libraries and the build metadata (the Node addon is of no use to .NET).
find "$bins" -maxdepth 1 -type f ! -name '*.so' ! -name '_nlcBuildMetadata.json' -delete
echo "$spec" > "$bins/PACKAGE"

# rename(2) is atomic; it fails when another build already put a complete folder there, which is fine.
mv -T "$bins" "$dest" 2>/dev/null || [ -d "$dest" ]
