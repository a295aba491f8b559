#!/usr/bin/env bash
# Fetch the pinned real Go executables mapscope's inspect tests read.
#
# The list is test/fixtures/real-binaries.tsv: npm package@version, the sha256 of the
# tarball `npm pack` downloads, and the file inside it. Each tarball is fetched with
# `npm pack` (the npm registry's ordinary client), its sha256 checked, and the one
# executable extracted to $MAPSCOPE_CACHE/bin/<name>/<basename> (default ~/.cache/mapscope).
# Already-present files are kept. A checksum mismatch is fatal (exit 1).
#
# Usage: scripts/real-binaries.sh [--verify]
#   --verify also prints, for each file, what `go version FILE` says with the newest
#   local toolchain: the independent truth the list's Go versions came from.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}
BIN=$CACHE/bin
mkdir -p "$BIN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
verify=0
[ "${1:-}" = "--verify" ] && verify=1

while IFS=$'\t' read -r name spec sha file _rest; do
  case "$name" in ''|'#'*) continue ;; esac
  out=$BIN/$name/$(basename "$file")
  if [ ! -f "$out" ]; then
    # Several files may come from one tarball (listed next to each other): fetch it once.
    if [ "${last_spec:-}" != "$spec" ]; then
      rm -f "$tmp"/*.tgz
      echo "real-binaries: fetching $spec" >&2
      (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.err") || { cat "$tmp/npm.err" >&2; exit 1; }
      tgz=$(ls -t "$tmp"/*.tgz | head -n1)
      got=$(sha256sum "$tgz" | cut -c1-64)
      if [ "$got" != "$sha" ]; then
        echo "real-binaries: $spec: sha256 $got, expected $sha" >&2
        exit 1
      fi
      last_spec=$spec
    fi
    mkdir -p "$tmp/x" "$BIN/$name"
    tar -xzf "$tgz" -C "$tmp/x" "$file"
    mv "$tmp/x/$file" "$out"
    chmod +x "$out"
    rm -rf "$tmp/x"
  fi
  if [ $verify = 1 ]; then
    go=$(ls -d "$CACHE"/go/1.*/bin/go 2>/dev/null | sort -V | tail -n1)
    printf '%s\t%s\n' "$name" "$(GOTOOLCHAIN=local "$go" version "$out" 2>&1 | sed 's/^[^:]*: //') | strings: $(strings -a "$out" | grep -o 'go1\.[0-9]*\.[0-9]*' | sort -u | tr '\n' ' ' || true)"
  fi
done < "$here/test/fixtures/real-binaries.tsv"
echo "real-binaries: ready in $BIN" >&2
