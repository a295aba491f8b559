#!/usr/bin/env bash
# Regenerate test/fixtures/hash/*.json: what the real Go runtime's map hash
# functions return, for every Go release we model, on amd64 and 386 (native),
# arm64 (qemu-aarch64) and arm (qemu-arm), with AES hashing on (the default
# where the CPU has it) and off (GODEBUG=cpu.aes=off, the portable fallback).
#
# The probe (gosrc/hashprobe) prints the process's key material along with the
# hashes, so each file is self-contained: test/hash.test.ts recomputes every
# value with src/hash and compares.
#
# Usage: scripts/hash-fixtures.sh [VERSION...]   (default: every version)
# Needs the toolchains of scripts/go-toolchains.sh and Debian's qemu-user.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(1.19 1.21 1.22 1.23 1.24 1.26 1.27)
CACHE=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}
out=$here/test/fixtures/hash
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE=${GOCACHE:-$CACHE/gocache} CGO_ENABLED=0

for v in "${VERSIONS[@]}"; do
  go=$CACHE/go/$v/bin/go
  [ -x "$go" ] || { echo "hash-fixtures: Go $v missing at $go (run scripts/go-toolchains.sh $v)" >&2; exit 2; }
  ldflags=()
  # Go 1.23 made the linker refuse go:linkname pulls of runtime internals.
  case $v in 1.19|1.21|1.22) ;; *) ldflags=(-ldflags=-checklinkname=0) ;; esac
  for arch in amd64 386 arm64 arm; do
    bin=$work/probe-$v-$arch
    (cd "$here/gosrc/hashprobe" && GOARCH=$arch GOARM=7 "$go" build "${ldflags[@]}" -o "$bin" .)
    run=("$bin")
    case $arch in arm64) run=(qemu-aarch64 "$bin") ;; arm) run=(qemu-arm "$bin") ;; esac
    if [ "$arch" = arm ]; then
      # arm never uses AES hashing; cpu.aes is not even an option there.
      "${run[@]}" > "$out/go$v-$arch-fallback.json"
    else
      GODEBUG=cpu.aes=off "${run[@]}" > "$out/go$v-$arch-fallback.json"
      "${run[@]}" > "$out/go$v-$arch-aes.json"
      grep -q '"useAeshash":true' "$out/go$v-$arch-aes.json" ||
        { echo "hash-fixtures: $arch go$v: the runtime did not use AES hashing (no AES on this CPU/emulator?)" >&2; exit 1; }
    fi
    grep -q '"useAeshash":false' "$out/go$v-$arch-fallback.json" ||
      { echo "hash-fixtures: $arch go$v: GODEBUG=cpu.aes=off did not turn AES hashing off" >&2; exit 1; }
    echo "go$v $arch done" >&2
  done
done
