#!/usr/bin/env bash
# Regenerate test/fixtures/b16: the digests of the six real runs of
# gosrc/mapsnap past B = 16 (1M and 3M entries; Go 1.22 and
# 1.24-noswissmap; amd64, and arm64 under qemu-user) that
# test/sim-classic-b16-live.test.ts compares the classic engine with.
# Run it whenever gosrc/mapsnap or a toolchain changes (the test then says so:
# each digest records the mapsnap build key it was made from).
#
# Usage: scripts/b16-fixtures.sh [CASE-SUBSTRING...]   (default: every case)
# Needs the toolchains of scripts/go-toolchains.sh and Debian's qemu-user.
# The real outputs are kept under $MAPSCOPE_CACHE/outputs (gzipped, ~130 MB);
# the arm64 runs take several minutes each.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
npx tsc -p tsconfig.json
node dist/test/support/b16.js fixtures "$@"
