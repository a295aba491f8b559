#!/usr/bin/env bash
# Build and run gosrc/layoutprobe with real Go toolchains and store what it
# prints as test/fixtures/layout/go<version>-<goarch>[-noswissmap].json.
#
# Why: mapscope's layout model must agree with what real compilers produce.
# The probe reads the compiler's own map descriptors, bucket/group types and
# DWARF, and measures growth on live maps; these fixtures are that truth, one
# file per (toolchain, GOARCH, experiment). test/layout-fixtures-live.test.ts
# reruns this script for a few combinations and demands identical bytes.
#
# Usage: scripts/layout-fixtures.sh [--out DIR] [COMBO...]
#   COMBO is VERSION/GOARCH or VERSION:noswissmap/GOARCH, e.g. 1.23/amd64,
#   1.24:noswissmap/arm64. Default: every toolchain below x amd64 arm64 386 arm,
#   plus 1.24:noswissmap. --out defaults to test/fixtures/layout.
# Needs the toolchains of scripts/go-toolchains.sh under $MAPSCOPE_CACHE
# (default ~/.cache/mapscope)/go/<version>, and Debian's qemu-user for arm64/arm.
# Progress goes to stderr; any failure stops the script with a non-zero status.
#
# On 386 and arm the classic-map compiler dies with an internal compiler error
# for maps whose key or elem holds a 64-bit sync/atomic value (the overflow
# offset check of MapBucketType in cmd/compile/internal/reflectdata). Those types sit in gosrc/layoutprobe/atomic64_<n>.go behind the build
# tag noatomic64_<n>. When the full build fails, each such file is tried alone;
# the ones the compiler refuses are left out and their message is handed to the
# probe, which records it as {"type": ..., "compileError": ...}.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
src=$here/gosrc/layoutprobe
out=$here/test/fixtures/layout
if [ "${1:-}" = "--out" ]; then out=$2; shift 2; fi
CACHE=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}

COMBOS=("$@")
if [ ${#COMBOS[@]} -eq 0 ]; then
  for v in 1.19 1.21 1.22 1.23 1.24 1.24:noswissmap 1.26 1.27; do
    for a in amd64 arm64 386 arm; do COMBOS+=("$v/$a"); done
  done
fi

export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0 GOOS=linux
export GOCACHE=${LAYOUT_GOCACHE:-$CACHE/gocache}  # the build cache test/support/gobuild.ts shares
unset GOROOT  # each toolchain finds its own root
mkdir -p "$out" "$GOCACHE"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

emulator() {
  case $1 in
    amd64|386) echo "" ;;
    arm64) command -v qemu-aarch64 >/dev/null || { echo "layout-fixtures: qemu-aarch64 missing (Debian qemu-user)" >&2; return 1; }; echo qemu-aarch64 ;;
    arm) command -v qemu-arm >/dev/null || { echo "layout-fixtures: qemu-arm missing (Debian qemu-user)" >&2; return 1; }; echo qemu-arm ;;
    *) echo "layout-fixtures: unknown GOARCH $1" >&2; return 1 ;;
  esac
}

# build GO EXE TAGS -> 0 on success; compiler output in $work/build.log
build() {
  (cd "$src" && "$1" build -tags "$3" -o "$2" . ) >"$work/build.log" 2>&1
}

# The message of an internal compiler error in $work/build.log, position removed.
ice_message() {
  grep -m1 'internal compiler error: ' "$work/build.log" | sed 's/.*internal compiler error: //'
}

json_string() { # escape for a JSON string literal
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g'
}

for combo in "${COMBOS[@]}"; do
  ver=${combo%%/*}; arch=${combo#*/}; exp=""
  case $ver in *:*) exp=${ver#*:}; ver=${ver%%:*} ;; esac
  go=$CACHE/go/$ver/bin/go
  [ -x "$go" ] || { echo "layout-fixtures: Go $ver missing at $go: run scripts/go-toolchains.sh $ver" >&2; exit 1; }
  emu=$(emulator "$arch")
  export GOARCH=$arch GOEXPERIMENT=$exp
  if [ "$arch" = arm ]; then export GOARM=7; else unset GOARM; fi
  full=$("$go" env GOVERSION)
  name=$full-$arch${exp:+-$exp}
  echo "layout-fixtures: $name: building" >&2
  exe=$work/probe-$name
  errs=$work/errors-$name.json
  tags=""
  if ! build "$go" "$exe" ""; then
    grep -q 'internal compiler error' "$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
    # Try each atomic64 file on its own; keep the messages of those refused.
    files=("$src"/atomic64_*.go)
    entries=()
    for f in "${files[@]}"; do
      n=$(basename "$f" .go); n=${n#atomic64_}
      others=""
      for g in "${files[@]}"; do
        m=$(basename "$g" .go); m=${m#atomic64_}
        [ "$m" = "$n" ] || others="$others noatomic64_$m"
      done
      if build "$go" "$exe" "$others"; then continue; fi
      msg=$(ice_message)
      [ -n "$msg" ] || { cat "$work/build.log" >&2; exit 1; }
      typ=$(sed -n 's/.*regAtomic64("\([^"]*\)".*/\1/p' "$f")
      [ -n "$typ" ] || { echo "layout-fixtures: no regAtomic64 entry in $f" >&2; exit 1; }
      echo "layout-fixtures: $name: compiler refuses $typ: $msg" >&2
      tags="$tags noatomic64_$n"
      entries+=("\"$(json_string "$typ")\": \"$(json_string "$msg")\"")
    done
    [ -n "$tags" ] || { cat "$work/build.log" >&2; exit 1; }
    (IFS=,; echo "{${entries[*]}}") >"$errs"
    build "$go" "$exe" "$tags" || { cat "$work/build.log" >&2; exit 1; }
  fi
  echo "layout-fixtures: $name: running${emu:+ under $emu}" >&2
  args=()
  [ -z "$tags" ] || args=(-compile-errors "$errs")
  $emu "$exe" "${args[@]}" >"$work/out.json"
  grep -q "^ \"go\": \"$full\",\$" "$work/out.json" && grep -q "^ \"goarch\": \"$arch\",\$" "$work/out.json" &&
    grep -q "^ \"experiment\": \"$exp\",\$" "$work/out.json" ||
    { echo "layout-fixtures: $name: probe output does not name go/goarch/experiment as expected" >&2; exit 1; }
  mv "$work/out.json" "$out/$name.json"
  echo "layout-fixtures: $name: wrote $out/$name.json" >&2
done
