#!/usr/bin/env bash
# Regenerate test/fixtures/sim-swiss/real/*.jsonl: the real Go runtime's
# Swiss map snapshots for every scenario in test/fixtures/sim-swiss/scenarios,
# on Go 1.24, 1.26 and 1.27, for amd64 and 386 (native) and arm64
# (qemu-aarch64), with the AES hash (the default where the CPU has it) and
# the portable fallback (GODEBUG=cpu.aes=off).
#
# Each fixture is two lines written by gosrc/swisssnap: what the run drew
# (map seeds, hash keys) and the snapshot. test/sim-swiss.test.ts replays the
# scenario with the first and compares with the second, byte for byte.
#
# Usage: scripts/sim-swiss-fixtures.sh [VERSION...]   (default: 1.24 1.26 1.27)
# Needs the toolchains of scripts/go-toolchains.sh and Debian's qemu-user.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
node scripts/sim-swiss-scenarios.mjs
npm run -s build
node dist/test/support/swisssnap.js fixtures "$@"
# Iteration order of one range over each final map (a third line: the
# iterator's random start and the keys in order) and maps.Clone of it (a
# fourth line: the clone's snapshot), on four targets.
node dist/test/support/swisssnap.js iter-fixtures
