#!/usr/bin/env bash
# Compile, ahead of the tests, the Go packages a cold test run will build, into the run's Go build
# cache ($MAPSCOPE_CACHE/gocache, the one test/support/gobuild.ts builds with).
#
# Why: most of a cold run's time is the Go compiler building the standard library once per
# toolchain, GOOS/GOARCH and mode (pie, cgo, GOEXPERIMENT, -trimpath). scripts/setup.sh starts this
# at the lowest priority, and it compiles with each toolchain as soon as it is unpacked, so that compiling fills the CPU the
# set-up leaves idle (it waits on the network, and tsc and eslint use one core) instead of running
# later inside the tests. Nothing else changes: the tests still build every program with the real
# toolchain through test/support/gobuild.ts, which finds the compiled packages in the cache (Go keys each by its
# inputs, so a package compiled here is the one the test's build would compile).
#
# Order: the list is in the order a cold run first asks for each build; the warm-up goes from its
# end, so that while the tests compile the first builds it compiles the ones they will reach last,
# instead of racing them for the same package (Go's cache does not stop two processes compiling it).
#
# What: scripts/go-warm.list, one build per line. Each is `go list -export -deps`: it compiles the
# package and all it imports with the same environment and flags as test/support/gobuild.ts's `go build`, and
# links nothing. Already-compiled packages cost a cache lookup (about 0.1 s of CPU a line).
#
# Usage: scripts/go-warm.sh [--while PID]   (run it under `nice -n 19`; scripts/setup.sh does)
#   --while PID: the lines of a toolchain not there yet wait while process PID (the download,
#   scripts/go-toolchains.sh) runs; the others go first. Without it they are skipped.
# Prints one line per build with its wall time on stderr; a failed line is reported and skipped
# (the test that makes that build reports the real error).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}

fetcher=
[ "${1:-}" = --while ] && fetcher=${2:-}

# The standard packages test/std-types-live.test.ts's generated program imports (std:stdlive).
STDLIVE="bytes context container/list encoding/json fmt io/fs math/big net/netip net/url os reflect regexp strings sync sync/atomic time unsafe"

# One warm-up at a time: a second set-up while one runs leaves it to finish.
mkdir -p "$CACHE"
exec 9>"$CACHE/go-warm.lock"
flock -n 9 || { echo "go-warm: another warm-up is running" >&2; exit 0; }

# A pass that went through the whole list leaves a stamp of the list and the toolchains: the next
# set-up skips the warm-up (on a warm machine it would only look 150 builds up in the cache).
stamp=$({ cat "$here/scripts/go-warm.list"; cat "$CACHE"/go/*/VERSION 2>/dev/null; } | sha256sum | cut -c1-16)
if [ "$(cat "$CACHE/go-warm.done" 2>/dev/null)" = "$stamp" ]; then
  echo "go-warm: the packages of scripts/go-warm.list were compiled by an earlier pass" >&2
  exit 0
fi

started=$(date +%s)
n=0 failed=0
warm() { # one line of the list: go target pkg [flags] [ENV=value]
  local go=$1 target=$2 pkg=$3 rest=${4:-} goroot=$CACHE/go/$1 t t0 out dir
  local flags=() envs=() pkgs=()
  for t in $rest; do case "$t" in -*) flags+=("$t") ;; *=*) envs+=("$t") ;; esac; done
  local goos=${target%/*} goarch=${target#*/}
  # The environment of test/support/gobuild.ts's goEnv and goBuild.
  envs=(GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE="$CACHE/gocache" GOPATH="$CACHE/gopath"
        CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" "${envs[@]}")
  [ "$goarch" = arm ] && envs+=(GOARM=7)
  case "$pkg" in
    std:stdlive) dir=$goroot/src; pkgs=($STDLIVE) ;;
    std:*) dir=$goroot/src; pkgs=("${pkg#std:}") ;;
    *) dir=$here/$pkg; pkgs=(.) ;;
  esac
  t0=$(date +%s%N)
  if out=$(cd "$dir" && env "${envs[@]}" "$goroot/bin/go" list -buildvcs=false -export -deps -f '' "${flags[@]}" "${pkgs[@]}" 2>&1); then
    n=$((n + 1))
    printf 'go-warm: %s %s %s %s %.1fs\n' "$go" "$target" "$pkg" "$rest" "$(( ($(date +%s%N) - t0) / 1000000 ))e-3" >&2
  else
    failed=$((failed + 1))
    echo "go-warm: $go $target $pkg $rest failed: $(printf '%s' "$out" | head -n1)" >&2
  fi
}

# Last needed first (the tests build from the top). A line whose toolchain is not unpacked yet waits
# for the next pass while the download runs.
pending=()
while IFS= read -r line; do case "$line" in ''|'#'*) ;; *) pending+=("$line") ;; esac; done < <(tac "$here/scripts/go-warm.list")
while [ ${#pending[@]} -gt 0 ]; do
  fetching=0; [ -n "$fetcher" ] && kill -0 "$fetcher" 2>/dev/null && fetching=1
  left=()
  for line in "${pending[@]}"; do
    read -r go target pkg rest <<<"$line"
    if [ -x "$CACHE/go/$go/bin/go" ]; then warm "$go" "$target" "$pkg" "$rest"; else left+=("$line"); fi
  done
  if [ ${#left[@]} = ${#pending[@]} ]; then
    if [ $fetching = 0 ]; then
      failed=$((failed + ${#left[@]}))
      echo "go-warm: no toolchain for ${#left[@]} lines, skipped: $(printf '%s\n' "${left[@]}" | cut -d' ' -f1 | sort -u | tr '\n' ' ')" >&2
      break
    fi
    sleep 1
  fi
  pending=("${left[@]}")
done
echo "go-warm: $n builds compiled or found compiled in $(( $(date +%s) - started )) s" >&2
echo "go-warm: CPU (user, system) of this script, then of what it ran:" >&2
times >&2
stamp=$({ cat "$here/scripts/go-warm.list"; cat "$CACHE"/go/*/VERSION 2>/dev/null; } | sha256sum | cut -c1-16)
[ "$failed" = 0 ] && echo "$stamp" > "$CACHE/go-warm.done"
