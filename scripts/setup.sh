#!/usr/bin/env bash
# Sets up mapscope on a fresh Debian machine (run as root or with sudo rights):
# Debian packages for running cross-compiled Go programs, npm packages, the
# real Go toolchains the differential tests build with, and the build itself.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# qemu-user runs arm64/arm Go programs; gdb's gcore writes core dumps of live programs.
need=()
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v gcore >/dev/null || need+=(gdb)
# gcc links the cgo test programs of mapscope inspect (-linkmode=external).
command -v gcc >/dev/null || need+=(gcc libc6-dev)
# lld links the PIE test programs whose pointers live only in RELA addends.
command -v ld.lld >/dev/null || need+=(lld)
# Debian's chromium runs the browser tests of mapscope view (driven by playwright-core).
[ -x /usr/bin/chromium ] || need+=(chromium)
# Its screenshot references were drawn with DejaVu (fontconfig's sans-serif and monospace on bookworm).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# golang.org/x/tools' fieldalignment analyzer and its test data: the reference the reorder advice is tested against.
[ -d /usr/share/gocode/src/golang.org/x/tools/go/analysis/passes/fieldalignment ] || need+=(golang-golang-x-tools-dev)
# GNU objdump for every architecture: the oracle for stripped binaries (go tool objdump needs a symbol table).
# (grep reads the whole list: with -q it would stop early, objdump die of SIGPIPE, and pipefail call that missing.)
objdump -i 2>/dev/null | grep aarch64 >/dev/null || need+=(binutils-multiarch)
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The downloads (Go toolchains from Debian's mirror, real executables from npm) take minutes and little
# CPU: they run in the background while npm installs and the build compiles. Each one's messages are
# printed when it ends; a failure of either fails the set-up.
logs=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$logs"' EXIT
# As the toolchains arrive, scripts/go-warm.sh compiles the Go packages the tests will build into
# their Go build cache, at the lowest priority, on the CPU that the downloads, tsc and eslint leave
# idle; it goes on after the set-up ends (while `npm test` builds and lints) and then stops. It is
# started from a subshell, so that it is not one of this script's jobs (ended on exit).
warm_log=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}/go-warm.log
log "fetching Go toolchains (Debian golang-1.X packages, private apt configuration), in the background"
scripts/go-toolchains.sh >/dev/null 2>"$logs/toolchains" & toolchains=$!
log "compiling the tests' Go packages as the toolchains arrive (scripts/go-warm.sh, nice 19, log in $warm_log)"
mkdir -p "$(dirname "$warm_log")"
( nohup nice -n 19 scripts/go-warm.sh --while "$toolchains" >/dev/null 2>"$warm_log" </dev/null & )
log "fetching the pinned real Go executables (npm pack, sha256-checked), in the background"
scripts/real-binaries.sh 2>"$logs/binaries" & binaries=$!

log "installing npm packages"
npm ci --no-audit --no-fund --loglevel=error

log "building"
npm run -s build

status=0
wait $toolchains || status=$?
cat "$logs/toolchains" >&2
[ $status = 0 ] || { log "fetching the Go toolchains failed (exit $status)"; exit 1; }
wait $binaries || status=$?
cat "$logs/binaries" >&2
[ $status = 0 ] || { log "fetching the real executables failed (exit $status)"; exit 1; }
log "done"
