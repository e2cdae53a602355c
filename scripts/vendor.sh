#!/usr/bin/env bash
# Fetch the pinned front-end files from the npm registry into static/vendor/.
# The results are committed; run this only to change a version (edit the pins below).
# Each tarball is checked against its pinned sha512 integrity before anything is copied.
set -euo pipefail

HTMX_VERSION=2.0.11
HTMX_INTEGRITY=sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
SSE_VERSION=2.2.4
SSE_INTEGRITY=sha512-LJmxVhykyflBWgh5PvbRidcyuqMHlgfajmmzumvKctv9puvsufeH6OaejSMZTNTnEI8O2wXXn4ZZtBdpEMqmEQ==
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

# fetch NAME VERSION INTEGRITY: npm pack NAME@VERSION into $work/NAME, verify, unpack.
fetch() {
  local name="$1" version="$2" integrity="$3" dir="$work/$1" tgz actual
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent --ignore-scripts "$name@$version" | tail -n 1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$dir/$tgz" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "vendor.sh: $name@$version integrity mismatch: $actual" >&2
    exit 1
  fi
  tar -xzf "$dir/$tgz" -C "$dir"
}

# put SRC DEST_NAME PATTERN: copy SRC to static/vendor/DEST_NAME and drop older files matching PATTERN.
put() {
  local src="$1" name="$2" pattern="$3" old
  for old in "$dest"/$pattern; do
    [[ -e "$old" && "$(basename "$old")" != "$name" ]] && rm -f "$old"
  done
  cp "$src" "$dest/$name"
  echo "static/vendor/$name"
}

fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY"
put "$work/htmx.org/package/dist/htmx.min.js" "htmx-$HTMX_VERSION.min.js" 'htmx-[0-9]*.min.js'
cp "$work/htmx.org/package/LICENSE" "$dest/LICENSE-htmx.txt"

fetch htmx-ext-sse "$SSE_VERSION" "$SSE_INTEGRITY"
put "$work/htmx-ext-sse/package/dist/sse.js" "htmx-ext-sse-$SSE_VERSION.js" 'htmx-ext-sse-*.js'
cp "$work/htmx-ext-sse/package/LICENSE" "$dest/LICENSE-htmx-ext-sse.txt"

fetch axe-core "$AXE_VERSION" "$AXE_INTEGRITY"
put "$work/axe-core/package/axe.min.js" "axe-$AXE_VERSION.min.js" 'axe-*.min.js'
cp "$work/axe-core/package/LICENSE" "$dest/LICENSE-axe-core.txt"
