#!/bin/sh
# Regenerates test/fixtures/footprint/: one real run of gosrc/footprint per
# target (Go 1.22, 1.23, 1.24, 1.26, 1.27 amd64; 1.24 arm64 under qemu-user;
# 1.24 386, run natively) and type (map[int64]int64, map[string]int64,
# map[int64][20]int64), measuring the map's heap bytes at 10^6 and 10^7 entries.
# Each run's wall and CPU time and peak RSS go to stderr. About 40 min on an
# idle 2-core machine (most of it arm64 under qemu), ~2 GB peak per process.
#
#   scripts/footprint-fixtures.sh [SIZES] [go/arch,…|all] [int64,string,big]
set -eu
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec nice -n 19 node dist/test/support/footprint.js fixtures "${1:-1000000,10000000}" ${2:+"$2"} ${3:+"$3"}
