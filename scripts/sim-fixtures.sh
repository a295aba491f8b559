#!/bin/sh
# Regenerates test/fixtures/sim-classic/: builds the mapsnap probe (gosrc/mapsnap)
# with each toolchain for each GOARCH and records what the real runtime does
# with every scenario, with the fallback hash (GODEBUG=cpu.aes=off) and AES:
# <target>/<scenario>.jsonl.gz, the probe's output (docs/json.md, "Real-Go
# snapshot fixtures"). A target that fails keeps going; the script exits 1 at
# the end.
#
#   scripts/sim-fixtures.sh [go-versions] [arches]
#   e.g. scripts/sim-fixtures.sh "1.23 1.24-noswissmap" "amd64 arm64"
# The committed set: scripts/sim-fixtures.sh && scripts/sim-fixtures.sh 1.23 "arm s390x"
# Needs ~/.cache/mapscope/go/<v> (scripts/go-toolchains.sh), qemu-user for arm64/arm/s390x/ppc64le/riscv64.
# Other GOARCHes are recorded with the fallback hash only.
set -eu
cd "$(dirname "$0")/.."
VERSIONS=${1:-"1.19 1.21 1.22 1.23 1.24-noswissmap"}
ARCHES=${2:-"amd64 arm64 386"}
GOROOTS=${MAPSCOPE_GO_CACHE:-$HOME/.cache/mapscope/go}
OUT=${TMPDIR:-/tmp}/mapsnap-bin
mkdir -p "$OUT"
status=0
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE="${GOCACHE:-$OUT/gocache}"
node scripts/gen-sim-scenarios.mjs
node scripts/gen-mapsnap.mjs
for vv in $VERSIONS; do
  v=${vv%-noswissmap}
  exp=-
  [ "$vv" != "$v" ] && exp=noswissmap
  minor=${v#1.}
  ld=""
  [ "$minor" -ge 23 ] && ld="-ldflags=-checklinkname=0"
  for a in $ARCHES; do
    bin="$OUT/mapsnap-$vv-$a"
    ( cd gosrc/mapsnap && GOARCH=$a GOARM=7 GOEXPERIMENT=$( [ "$exp" = noswissmap ] && echo noswissmap || echo "" ) \
        "$GOROOTS/$v/bin/go" build $ld -o "$bin" . )
    modes="fallback aes"
    case $a in amd64|arm64|386) ;; *) modes=fallback ;; esac  # the runtime has AES hashing only there
    for mode in $modes; do
      node scripts/sim-fixtures.mjs "$bin" "$v" "$a" "$mode" "$exp" || status=1
    done
  done
done
exit $status
