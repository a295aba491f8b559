#!/usr/bin/env bash
# Regenerate test/fixtures/sim-swiss/: the real Go runtime's
# Swiss map snapshots for every scenario in test/fixtures/sim-swiss/scenarios,
# on Go 1.24, 1.26 and 1.27, for amd64 and 386 (native) and arm64
# (qemu-aarch64), with the AES hash (the default where the CPU has it) and
# the portable fallback (GODEBUG=cpu.aes=off).
#
# Each fixture, test/fixtures/sim-swiss/<go>-<arch>-<mode>/<scenario>.jsonl.gz,
# is what gosrc/swisssnap printed (docs/json.md, "Real-Go snapshot
# fixtures"): the run, then the snapshot with the seeds and hash keys the run
# drew. test/sim-swiss.test.ts replays the scenario with those and compares
# with the snapshot, byte for byte.
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
# fourth line: the clone's snapshot), on four targets (sim-swiss/iter/).
node dist/test/support/swisssnap.js iter-fixtures
