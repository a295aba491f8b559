#!/bin/sh
# Regenerates test/fixtures/litmus/herd7.58.tsv and the *.herd7.58 outputs from a real herd7 7.58.
#
#   scripts/herd-reference.sh HERDTOOLS7_CHECKOUT [SHARED_DIR]
#
# HERDTOOLS7_CHECKOUT is a git checkout of github.com/herd/herdtools7 (any clone with the 7.58 tag).
# Needs Debian's ocaml-nox, ocaml-dune, menhir, libmenhir-ocaml-dev, libzarith-ocaml-dev.
# herd's code is only built in a scratch directory, never copied into this repository.
set -eu
src=$1
shared=${2:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${TMPDIR:-/tmp}/mapscope-herd758
rm -rf "$work" && mkdir -p "$work"
git --git-dir="$src/.git" archive 7.58 2>/dev/null | tar x -C "$work" || git --git-dir="$src" archive 7.58 | tar x -C "$work"
cd "$work"
# Debian bookworm's zarith 1.12 lacks Z.of_int64_unsigned/Z.to_int64_unsigned (used by SVE code only).
python3 - <<'PY'
p = 'lib/SVEScalar.ml'
s = open(p).read()
shim = ('let z_of_int64_unsigned (i:int64) = if Int64.compare i 0L >= 0 then Z.of_int64 i else Z.add (Z.of_int64 i) (Z.shift_left Z.one 64)\n'
        'let z_to_int64_unsigned (z:Z.t) = if Z.sign z < 0 || Z.numbits z > 64 then raise Z.Overflow else if Z.numbits z = 64 then Z.to_int64 (Z.sub z (Z.shift_left Z.one 64)) else Z.to_int64 z\n')
s = s.replace('Z.of_int64_unsigned', 'z_of_int64_unsigned').replace('Z.to_int64_unsigned', 'z_to_int64_unsigned')
i = s.find('\nmodule')
open(p, 'w').write(s[:i] + '\n' + shim + s[i:])
PY
sh ./version-gen.sh "$work/inst" >/dev/null
dune build -j 1 herd/herd.exe
H="$work/_build/default/herd/herd.exe"
L="$work/herd/libdir"
cat > "$work/sc-rmw.cat" <<'CAT'
"SC with rmw in po (herd HEAD a5c974bf7 behaviour)"
include "fences.cat"
include "cos.cat"
empty rmw & (fre;coe) as atom
acyclic po | rmw | ((fr | rf | co);sm) as sc
CAT
obs() { sed -n 's/^Observation [^ ]* \([A-Za-z]*\).*/\1/p'; }
sts() { awk '/^States /{n=$2; next} n>0 {print; n--}' | sed 's/ *$//' | paste -sd'|'; }
out="$repo/test/fixtures/litmus/herd7.58.tsv"
head -n 11 "$out" > "$work/head.txt"
{
  cat "$work/head.txt"
  cd "$shared/litmus/herdtools7"
  find . -name '*.litmus' | sed 's|^\./||' | sort | while read -r f; do
    a=$("$H" -set-libdir "$L" "$f" 2>/dev/null || true)
    s=$("$H" -set-libdir "$L" -model "$work/sc-rmw.cat" "$f" 2>/dev/null || true)
    printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$(echo "$a" | obs)" "$(echo "$s" | obs)" "$(echo "$a" | sts)" "$(echo "$s" | sts)"
  done
} > "$work/new.tsv"
mv "$work/new.tsv" "$out"
cd "$repo/test/fixtures/litmus/extra"
for f in *.litmus; do "$H" -set-libdir "$L" "$f" > "$f.herd7.58"; done
cd "$repo"
{
  echo "# herd7 7.58 on litmus/map-publish/*.litmus (built and run as described in herd7.58.tsv): file, arch-model Observation, SC (sc-rmw.cat) Observation"
  for f in litmus/map-publish/*.litmus; do
    printf '%s\t%s\t%s\n' "$(basename "$f")" "$("$H" -set-libdir "$L" "$f" | obs)" "$("$H" -set-libdir "$L" -model "$work/sc-rmw.cat" "$f" | obs)"
  done
} > test/fixtures/litmus/map-publish-herd7.58.tsv
echo "regenerated herd7 7.58 references"
