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

# The tarballs of every missing file, fetched four at a time (each `npm pack` is mostly a round trip
# to the registry), each into its own directory and sha256-checked; then the files are extracted.
fetch() { # spec sha dir
  mkdir -p "$3"
  echo "real-binaries: fetching $1" >&2
  (cd "$3" && npm pack --silent "$1" >/dev/null 2>npm.err) || { cat "$3/npm.err" >&2; touch "$tmp/failed"; return 1; }
  got=$(sha256sum "$3"/*.tgz | cut -c1-64)
  if [ "$got" != "$2" ]; then
    echo "real-binaries: $1: sha256 $got, expected $2" >&2
    touch "$tmp/failed"
    return 1
  fi
}
declare -A dir_of=()
while IFS=$'\t' read -r name spec sha file _rest; do
  case "$name" in ''|'#'*) continue ;; esac
  [ ! -f "$BIN/$name/$(basename "$file")" ] || continue
  [ -z "${dir_of[$spec]:-}" ] || continue  # several files may come from one tarball: fetch it once
  dir_of[$spec]=$tmp/${#dir_of[@]}
  while [ "$(jobs -rp | wc -l)" -ge 4 ]; do wait -n || true; done
  fetch "$spec" "$sha" "${dir_of[$spec]}" &
done < "$here/test/fixtures/real-binaries.tsv"
wait
[ ! -e "$tmp/failed" ] || exit 1

while IFS=$'\t' read -r name spec sha file _rest; do
  case "$name" in ''|'#'*) continue ;; esac
  out=$BIN/$name/$(basename "$file")
  if [ ! -f "$out" ]; then
    tgz=$(ls "${dir_of[$spec]}"/*.tgz)
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
