#!/bin/sh
# Builds two commits of mapscope, each in its own temporary detached worktree,
# runs the same CLI commands on both (the tour, layout lists, check --core on
# real cached cores) and compares the outputs byte for byte: one line per
# output, "identical" or "differs" with the first differing line.
#
#   scripts/cli-identity.sh [--only NAME[,NAME…]] [--explain C[,C…]] [--list] BASE [HEAD]
#   e.g. scripts/cli-identity.sh c3d3106 main
#
# --explain: commits that changed outputs on purpose. For an output that
# differs, each listed commit's own change of it (its parent's output against
# its output, a unified diff) is applied, without fuzz, to BASE's output; when
# the result is HEAD's output byte for byte the line says "explained by" those
# commits, so no other commit changed it.
#
# HEAD defaults to HEAD. An output is its stdout and its exit status; stderr
# (progress) is not compared. --only runs only the named outputs (--list
# prints the names), so that one difference can be bisected:
#   cp scripts/cli-identity.sh /tmp/ci.sh   # the script must outlive the checkouts
#   git bisect start main c3d3106
#   git bisect run /tmp/ci.sh --only tour c3d3106 HEAD
# Exit status: 0 every output identical, 1 some differ, 125 a commit does not
# build (git bisect skips it), 2 bad usage or missing cores.
#
# Needs node_modules in the main checkout (MAPSCOPE_MODULES, default
# /work/main/node_modules: symlinked into each worktree) and the cores that
# test/support/cores.ts leaves under $MAPSCOPE_CACHE/cores (default
# ~/.cache/mapscope/cores). Outputs are kept per commit under
# ${CLI_IDENTITY_DIR:-${TMPDIR:-/tmp}/cli-identity}/<commit>/ and reused.
set -eu

usage() { echo "usage: cli-identity.sh [--only NAME[,NAME…]] [--explain C[,C…]] [--list] BASE [HEAD]" >&2; exit 2; }
ONLY=""
EXPLAIN=""
LIST=0
while [ $# -gt 0 ]; do
  case $1 in
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2 ;;
    --explain) [ $# -ge 2 ] || usage; EXPLAIN=$(echo "$2" | tr ',' ' '); shift 2 ;;
    --list) LIST=1; shift ;;
    -*) usage ;;
    *) break ;;
  esac
done

REPO=$(git rev-parse --show-toplevel)
MODULES=${MAPSCOPE_MODULES:-/work/main/node_modules}
CORES=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}/cores
WORK=${CLI_IDENTITY_DIR:-${TMPDIR:-/tmp}/cli-identity}

# The cores: a classic (1.22) and a Swiss (1.26) map runtime, each on amd64
# and arm64 (GOTRACEBACK=crash, under qemu-user for arm64), text and --json;
# besides, 1.19 amd64, 1.26 386 and arm, and a gcore of 1.24 amd64 read with
# --all-globals. They are the cores of gosrc/coreprobe that
# test/support/cores.ts makes; their directory is named by the probe's source hash.
core_dir() {
  for d in "$CORES"/*/; do
    [ -f "$d/1.22-amd64-crash/dump.core" ] && { echo "${d%/}"; return; }
  done
  echo "cli-identity: no cores under $CORES (run the check tests once to make them)" >&2
  exit 2
}

# name|command line (run from the built worktree; $CD is the core directory)
commands() {
  cat <<'EOF'
tour|node bin/mapscope.js tour
layout-string-int|node bin/mapscope.js layout 'map[string]int' --go 1.19,1.22,1.24,1.26 --arch amd64,arm64,386
layout-struct-key|node bin/mapscope.js layout 'map[struct{a int8; b int64}][]string' --go 1.21,1.24,1.27 --arch amd64,arm,arm64
layout-int64-bool|node bin/mapscope.js layout 'map[int64]bool' --go 1.23,1.24,1.25,1.26,1.27 --arch amd64,386
layout-string-int-json|node bin/mapscope.js layout 'map[string]int' --go 1.19,1.22,1.24,1.26 --arch amd64,arm64,386 --json
layout-struct-key-json|node bin/mapscope.js layout 'map[struct{a int8; b int64}][]string' --go 1.21,1.24,1.27 --arch amd64,arm,arm64 --json
check-core-1.22-amd64|node bin/mapscope.js check --core "$CD/1.22-amd64-crash/dump.core" --binary "$CD/1.22-amd64-crash/probe"
check-core-1.22-arm64|node bin/mapscope.js check --core "$CD/1.22-arm64-crash/dump.core" --binary "$CD/1.22-arm64-crash/probe"
check-core-1.26-amd64|node bin/mapscope.js check --core "$CD/1.26-amd64-crash/dump.core" --binary "$CD/1.26-amd64-crash/probe"
check-core-1.26-arm64|node bin/mapscope.js check --core "$CD/1.26-arm64-crash/dump.core" --binary "$CD/1.26-arm64-crash/probe"
check-core-1.22-amd64-json|node bin/mapscope.js check --core "$CD/1.22-amd64-crash/dump.core" --binary "$CD/1.22-amd64-crash/probe" --json
check-core-1.22-arm64-json|node bin/mapscope.js check --core "$CD/1.22-arm64-crash/dump.core" --binary "$CD/1.22-arm64-crash/probe" --json
check-core-1.26-amd64-json|node bin/mapscope.js check --core "$CD/1.26-amd64-crash/dump.core" --binary "$CD/1.26-amd64-crash/probe" --json
check-core-1.26-arm64-json|node bin/mapscope.js check --core "$CD/1.26-arm64-crash/dump.core" --binary "$CD/1.26-arm64-crash/probe" --json
check-core-1.19-amd64|node bin/mapscope.js check --core "$CD/1.19-amd64-crash/dump.core" --binary "$CD/1.19-amd64-crash/probe"
check-core-1.26-386|node bin/mapscope.js check --core "$CD/1.26-386-crash/dump.core" --binary "$CD/1.26-386-crash/probe"
check-core-1.26-arm-json|node bin/mapscope.js check --core "$CD/1.26-arm-crash/dump.core" --binary "$CD/1.26-arm-crash/probe" --json
check-core-1.24-gcore-all|node bin/mapscope.js check --core "$CD/1.24-amd64-gcore/dump.core" --binary "$CD/1.24-amd64-gcore/probe" --all-globals
EOF
}

selected() {
  commands | while IFS='|' read -r name cmd; do
    if [ -z "$ONLY" ] || printf ',%s,' "$ONLY" | grep -q ",$name,"; then printf '%s|%s\n' "$name" "$cmd"; fi
  done
}

if [ $LIST = 1 ]; then commands | cut -d'|' -f1; exit 0; fi
[ $# -ge 1 ] && [ $# -le 2 ] || usage
CD=$(core_dir)
export CD

# Builds a commit in a temporary worktree and runs the selected commands
# there; prints the directory holding <name>.out and <name>.rc.
run_commit() {
  sha=$(git -C "$REPO" rev-parse --verify "$1^{commit}") || exit 2
  out="$WORK/$sha"
  mkdir -p "$out"
  missing=$(selected | while IFS='|' read -r name cmd; do [ -f "$out/$name.rc" ] || echo "$name"; done)
  if [ -n "$missing" ]; then
    wt=$(mktemp -d "${TMPDIR:-/tmp}/cli-identity-wt.XXXXXX")
    rmdir "$wt"
    git -C "$REPO" worktree add --detach "$wt" "$sha" >/dev/null 2>&1
    # some commits track a node_modules link by mistake (f4d86d1 removed it): replace it
    rm -f "$wt/node_modules"
    ln -s "$MODULES" "$wt/node_modules"
    echo "cli-identity: building $(git -C "$REPO" log -1 --format='%h %s' "$sha" | cut -c1-72)" >&2
    if ! (cd "$wt" && npx tsc -p tsconfig.json >"$out/tsc.log" 2>&1); then
      echo "cli-identity: $sha does not build (see $out/tsc.log)" >&2
      git -C "$REPO" worktree remove --force "$wt"
      exit 125
    fi
    selected | while IFS='|' read -r name cmd; do
      [ -f "$out/$name.rc" ] && continue
      rc=0
      (cd "$wt" && sh -c "$cmd" >"$out/$name.out" 2>"$out/$name.err") || rc=$?
      echo "$rc" >"$out/$name.rc"
    done
    git -C "$REPO" worktree remove --force "$wt"
  fi
  echo "$out"
}

A=$(run_commit "$1")
B=$(run_commit "${2:-HEAD}")
for c in $EXPLAIN; do
  eval "P_$(git -C "$REPO" rev-parse --short=12 "$c")=\$(run_commit \"$c^\")"
  eval "C_$(git -C "$REPO" rev-parse --short=12 "$c")=\$(run_commit \"$c\")"
done

# Applies the listed commits' own changes of an output to BASE's; prints the
# commits that changed it, or nothing when the result is not HEAD's output.
explain() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cli-identity-explain.XXXXXX")
  cp "$A/$1.out" "$tmp/out"
  used=""
  for c in $EXPLAIN; do
    k=$(git -C "$REPO" rev-parse --short=12 "$c")
    eval "p=\$P_$k; q=\$C_$k"
    cmp -s "$p/$1.out" "$q/$1.out" && continue
    diff -u "$p/$1.out" "$q/$1.out" >"$tmp/diff" || true
    patch -s -F0 "$tmp/out" <"$tmp/diff" >/dev/null 2>&1 || { used=""; break; }
    used="$used${used:+,}$c"
  done
  cmp -s "$tmp/out" "$B/$1.out" && echo "$used"
  rm -rf "$tmp"
}
echo "cli-identity: $(git -C "$REPO" rev-parse --short "$1") -> $(git -C "$REPO" rev-parse --short "${2:-HEAD}"), cores in $CD" >&2
status=0
for name in $(selected | cut -d'|' -f1); do
  rcA=$(cat "$A/$name.rc"); rcB=$(cat "$B/$name.rc")
  if cmp -s "$A/$name.out" "$B/$name.out" && [ "$rcA" = "$rcB" ]; then
    printf '%-28s identical (%s bytes, exit %s)\n' "$name" "$(wc -c <"$A/$name.out" | tr -d ' ')" "$rcA"
    continue
  fi
  status=1
  if cmp -s "$A/$name.out" "$B/$name.out"; then
    printf '%-28s differs: exit %s -> %s, stdout identical\n' "$name" "$rcA" "$rcB"
    continue
  fi
  # the first differing line, by number, on both sides ("<end>" where one side is a prefix of the other)
  line=$(cmp "$A/$name.out" "$B/$name.out" 2>/dev/null | sed -n 's/.*differ: .* line \([0-9]*\).*/\1/p')
  [ -n "$line" ] || line=$(($(wc -l <"$A/$name.out") + 1))
  [ "$line" -le "$(wc -l <"$A/$name.out")" ] && old=\"$(sed -n "${line}p" "$A/$name.out" | cut -c1-60)\" || old='<end>'
  [ "$line" -le "$(wc -l <"$B/$name.out")" ] && new=\"$(sed -n "${line}p" "$B/$name.out" | cut -c1-60)\" || new='<end>'
  why=""
  if [ -n "$EXPLAIN" ] && [ "$rcA" = "$rcB" ]; then
    by=$(explain "$name")
    why=$([ -n "$by" ] && echo "; explained by $by" || echo "; NOT explained by the listed commits")
  fi
  printf '%-28s differs at line %s (exit %s -> %s): %s -> %s%s\n' "$name" "$line" "$rcA" "$rcB" "$old" "$new" "$why"
done
exit $status
