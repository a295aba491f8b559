#!/bin/sh
# Replays the engine against the committed real runs in test/fixtures/footprint
# at every recorded size (10^6 and 10^7 entries) and prints the table in
# docs/footprint.md, "10^6 and 10^7 entries"; exits 1 if any point is off by
# more than 0.5%. CI checks the 10^6 points (test/footprint-real.test.ts); the
# 10^7 ones cost the engine minutes per run, so they are checked here.
#
#   scripts/footprint-replay.sh [go/arch,…|all] [max entries]
set -eu
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec nice -n 19 node dist/test/support/footprint.js replay ${1:+"$1"} ${2:+"$2"}
