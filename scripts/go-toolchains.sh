#!/usr/bin/env bash
# Fetch real Go toolchains from Debian for mapscope's differential tests.
#
# Why this way: the figures mapscope prints must agree with real Go, so the tests
# build and run Go programs with every release we model. Debian ships them as
# golang-1.X-go packages in bookworm (1.19), bookworm-backports (1.21-1.23),
# trixie (1.24), trixie-backports (1.25) and sid (1.26, 1.27). We fetch them with `apt-get download`
# through a *private* apt configuration (never touching the system's sources,
# never upgrading libc) and unpack them with `dpkg -x` under the cache folder.
#
# Usage: scripts/go-toolchains.sh [VERSION...]   (default: every version below)
# Prints, on stdout, one line per toolchain: "<version> <GOROOT>".
# Cache: $MAPSCOPE_CACHE (default ~/.cache/mapscope)/go/<version>.
set -euo pipefail

VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(1.19 1.21 1.22 1.23 1.24 1.25 1.26 1.27)

CACHE=${MAPSCOPE_CACHE:-$HOME/.cache/mapscope}
APT=$CACHE/apt
mkdir -p "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial" "$CACHE/go" "$CACHE/deb"

# Copy the URIs and Signed-By lines of the machine's own Debian source entry.
sysfile=/etc/apt/sources.list.d/debian.sources
uris=$(sed -n 's/^URIs:[[:space:]]*//p' "$sysfile" | grep -v security | head -n1)
signed=$(sed -n 's/^Signed-By:[[:space:]]*//p' "$sysfile" | head -n1)
[ -n "$uris" ] && [ -n "$signed" ] || { echo "go-toolchains: cannot read URIs/Signed-By from $sysfile" >&2; exit 2; }
cat > "$APT/sources.list.d/mapscope.sources" <<SRC
Types: deb
URIs: $uris
Suites: bookworm bookworm-backports trixie trixie-backports sid
Components: main
Signed-By: $signed
SRC

O=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT/sources.list.d"
   -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Debug::NoLocking=1"
   -o "APT::Sandbox::User=root")

need_update=0
for v in "${VERSIONS[@]}"; do [ -x "$CACHE/go/$v/bin/go" ] || need_update=1; done
if [ $need_update = 1 ]; then
  echo "go-toolchains: apt-get update (private configuration in $APT)" >&2
  apt-get "${O[@]}" update -qq >&2
fi

# One apt-get call downloads every missing package (each call spends seconds of CPU reading the five
# suites' package lists, which on a loaded machine costs more than the download). It writes each file
# in place, one after another, so a toolchain is unpacked as soon as both its files have the size the
# package lists give (`--print-uris`, read while the download starts): scripts/go-warm.sh compiles
# with the first toolchains while the mirror sends the others. apt-get checks every file's SHA256
# before it exits; if it fails, the toolchains unpacked meanwhile are removed again.
missing=()
for v in "${VERSIONS[@]}"; do [ -x "$CACHE/go/$v/bin/go" ] || missing+=("$v"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "go-toolchains: fetching golang-{go,src} ${missing[*]}" >&2
  tmp=$(mktemp -d "$CACHE/deb/fetch.XXXX")
  pkgs=(); for v in "${missing[@]}"; do pkgs+=("golang-$v-go" "golang-$v-src"); done
  (cd "$tmp" && apt-get "${O[@]}" download -qq "${pkgs[@]}" >&2) & download=$!
  declare -A size=()
  while read -r _uri file bytes _sum; do size[$file]=$bytes; done < <(apt-get "${O[@]}" download --print-uris -qq "${pkgs[@]}")
  unpack() { # version
    local v=$1
    # Debian splits GOROOT between /usr/lib/go-V and /usr/share/go-V with
    # relative links, so the unpacked usr/ tree works as it is, anywhere.
    rm -rf "$CACHE/go/$v.tree"; mkdir -p "$CACHE/go/$v.tree"
    for deb in "$tmp/golang-$v-go_"*.deb "$tmp/golang-$v-src_"*.deb; do dpkg -x "$deb" "$CACHE/go/$v.tree"; done
    ln -sfn "$v.tree/usr/lib/go-$v" "$CACHE/go/$v"
    "$CACHE/go/$v/bin/go" version >&2
  }
  arrived() { # version: both files there, whole
    local v=$1 f n=0
    for f in "$tmp/golang-$v-go_"*.deb "$tmp/golang-$v-src_"*.deb; do
      [ -f "$f" ] && [ -n "${size[$(basename "$f")]:-}" ] && [ "$(stat -c %s "$f")" = "${size[$(basename "$f")]}" ] && n=$((n + 1))
    done
    [ $n = 2 ]
  }
  pids=(); todo=("${missing[@]}")
  while [ ${#todo[@]} -gt 0 ]; do
    running=0; kill -0 $download 2>/dev/null && running=1
    left=()
    for v in "${todo[@]}"; do
      if arrived "$v"; then unpack "$v" & pids+=($!); else left+=("$v"); fi
    done
    todo=("${left[@]}")
    if [ $running = 0 ]; then break; fi
    [ ${#todo[@]} = 0 ] || sleep 0.5
  done
  status=0; wait $download || status=$?
  if [ $status = 0 ]; then for v in "${todo[@]}"; do unpack "$v" & pids+=($!); done; fi
  for p in "${pids[@]}"; do wait "$p"; done
  if [ $status != 0 ]; then
    for v in "${missing[@]}"; do rm -rf "$CACHE/go/$v" "$CACHE/go/$v.tree"; done
    echo "go-toolchains: apt-get download failed (exit $status)" >&2
    exit 1
  fi
  rm -rf "$tmp"
fi
for v in "${VERSIONS[@]}"; do
  [ -x "$CACHE/go/$v/bin/go" ] || { echo "go-toolchains: Go $v missing after unpacking" >&2; exit 1; }
  echo "$v $CACHE/go/$v"
done
