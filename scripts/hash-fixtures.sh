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
# js/wasm runs under Node with the toolchain's own wasm_exec_node.js (wasm
# never has AES hashing; from Go 1.26 it hashes in 32 bits).
#
# Usage: scripts/hash-fixtures.sh [VERSION...]   (default: every version)
#        HASH_ARCHES="wasm" scripts/hash-fixtures.sh 1.26   (a subset of arches)
# Besides the default set, any GOARCH qemu-user runs works, e.g.
#        HASH_ARCHES="s390x mips riscv64 loong64" scripts/hash-fixtures.sh 1.22 1.27
# Needs the toolchains of scripts/go-toolchains.sh, Debian's qemu-user, node.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(1.19 1.21 1.22 1.23 1.24 1.26 1.27)
CACHE=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}
out=$here/test/fixtures/hash
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# Go 1.19's wasm_exec_node.js assigns globalThis.crypto, a getter-only global
# in Node >= 19; make it writable before that script runs.
printf '%s\n' "Object.defineProperty(globalThis, 'crypto', { value: globalThis.crypto, writable: true, configurable: true });" > "$work/node-crypto.cjs"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE=${GOCACHE:-$CACHE/gocache} CGO_ENABLED=0

for v in "${VERSIONS[@]}"; do
  go=$CACHE/go/$v/bin/go
  [ -x "$go" ] || { echo "hash-fixtures: Go $v missing at $go (run scripts/go-toolchains.sh $v)" >&2; exit 2; }
  ldflags=()
  # Go 1.23 made the linker refuse go:linkname pulls of runtime internals.
  case $v in 1.19|1.21|1.22) ;; *) ldflags=(-ldflags=-checklinkname=0) ;; esac
  for arch in ${HASH_ARCHES:-amd64 386 arm64 arm wasm}; do
    bin=$work/probe-$v-$arch
    goos=linux
    [ "$arch" = wasm ] && goos=js
    (cd "$here/gosrc/hashprobe" && GOOS=$goos GOARCH=$arch GOARM=7 "$go" build "${ldflags[@]}" -o "$bin" .)
    run=("$bin")
    case $arch in
      amd64|386) ;;
      arm64) run=(qemu-aarch64 "$bin") ;;
      loong64) run=(qemu-loongarch64 "$bin") ;;
      wasm)
        exec_js=$CACHE/go/$v/lib/wasm/wasm_exec_node.js
        [ -f "$exec_js" ] || exec_js=$CACHE/go/$v/misc/wasm/wasm_exec_node.js
        run=(node --require "$work/node-crypto.cjs" "$exec_js" "$bin") ;;
      *) run=("qemu-$arch" "$bin") ;;
    esac
    if [ "$arch" != amd64 ] && [ "$arch" != 386 ] && [ "$arch" != arm64 ]; then
      # Only amd64, 386 and arm64 have AES hashing; elsewhere cpu.aes is not even an option.
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
    # Go 1.27's GOEXPERIMENT=simd computes memhash32/64 with VAES intrinsics
    # (internal/runtime/maps/memhash_aes_simd.go); AES hashing then needs AVX.
    if [ "$arch" = amd64 ] && [ "${v#1.}" -ge 27 ]; then
      (cd "$here/gosrc/hashprobe" && GOEXPERIMENT=simd GOARCH=amd64 "$go" build "${ldflags[@]}" -o "$bin-simd" .)
      "$bin-simd" > "$out/go$v-amd64-simd-aes.json"
      grep -q '"useAeshash":true' "$out/go$v-amd64-simd-aes.json" ||
        { echo "hash-fixtures: go$v GOEXPERIMENT=simd: no AES hashing (this CPU lacks AVX?)" >&2; exit 1; }
    fi
  done
done
