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

# The tarballs of every missing file, fetched by one `npm pack` (one npm start-up, not one per tarball:
# on a loaded machine the start-ups cost more than the downloads), each sha256-checked; then the files
# are extracted.
declare -A sha_of=() tgz_of=()
specs=()
while IFS=$'\t' read -r name spec sha file _rest; do
  case "$name" in ''|'#'*) continue ;; esac
  [ ! -f "$BIN/$name/$(basename "$file")" ] || continue
  [ -z "${sha_of[$spec]:-}" ] || continue  # several files may come from one tarball: fetch it once
  sha_of[$spec]=$sha
  specs+=("$spec")
done < "$here/test/fixtures/real-binaries.tsv"
if [ ${#specs[@]} -gt 0 ]; then
  echo "real-binaries: fetching ${specs[*]}" >&2
  mkdir -p "$tmp/pack"
  (cd "$tmp/pack" && npm pack --json --silent "${specs[@]}" >packs.json 2>npm.err) || { cat "$tmp/pack/npm.err" >&2; exit 1; }
  # npm names each tarball after the package's name and version: "name@version<TAB>file" per tarball.
  while IFS=$'\t' read -r spec tgz; do tgz_of[$spec]=$tmp/pack/$tgz; done < <(node -e '
    for (const p of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) console.log(`${p.name}@${p.version}\t${p.filename}`);
  ' "$tmp/pack/packs.json")
  for spec in "${specs[@]}"; do
    tgz=${tgz_of[$spec]:-}
    [ -n "$tgz" ] && [ -f "$tgz" ] || { echo "real-binaries: npm pack gave no tarball for $spec" >&2; exit 1; }
    got=$(sha256sum "$tgz" | cut -c1-64)
    if [ "$got" != "${sha_of[$spec]}" ]; then
      echo "real-binaries: $spec: sha256 $got, expected ${sha_of[$spec]}" >&2
      exit 1
    fi
  done
fi

while IFS=$'\t' read -r name spec sha file _rest; do
  case "$name" in ''|'#'*) continue ;; esac
  out=$BIN/$name/$(basename "$file")
  if [ ! -f "$out" ]; then
    tgz=${tgz_of[$spec]}
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
