/**
 * Sanity checks of the committed layout fixtures (test/fixtures/layout/*.json)
 * against facts of Go's source, so that a broken probe cannot slip garbage
 * into the files the layout model is tested against.
 *
 * Expected values come from the runtime's and the compiler's source (cited
 * per block as "classic" = runtime/map.go with the compiler's bucket type in
 * cmd/compile/internal/reflectdata/reflect.go, "swiss" = internal/runtime/maps
 * and internal/abi/map.go, "descriptors" = docs/binary-format.md §5), or from
 * a hand derivation written beside them. None comes from mapscope's own code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  layoutFixture, layoutFixtureFiles, readLayoutFixture, repoRoot,
  type LayoutFixture, type LayoutMap,
} from './support/layoutFixtures.js';

const TOOLCHAINS = ['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27'];
const ARCHS = ['amd64', 'arm64', '386', 'arm'];
const is64 = (goarch: string): boolean => goarch === 'amd64' || goarch === 'arm64';

/** Every (toolchain, arch, experiment) the script produces. */
function combos(): { minor: string; goarch: string; exp: string }[] {
  const out = [];
  for (const minor of TOOLCHAINS) {
    for (const exp of minor === '1.24' ? ['', 'noswissmap'] : ['']) {
      for (const goarch of ARCHS) out.push({ minor, goarch, exp });
    }
  }
  return out;
}

function all(): LayoutFixture[] {
  return layoutFixtureFiles().map(readLayoutFixture);
}

function mapOf(f: LayoutFixture, type: string): LayoutMap {
  const m = f.maps.find((x) => x.type === type);
  assert.ok(m, `${f.go} ${f.goarch}: no entry for ${type}`);
  return m;
}

const label = (f: LayoutFixture): string => `${f.go}/${f.goarch}${f.experiment ? '/' + f.experiment : ''}`;

test('there is one fixture for every toolchain x GOARCH (+ 1.24 noswissmap), named after its content', () => {
  const files = layoutFixtureFiles();
  assert.equal(files.length, 32, files.join(' '));
  for (const c of combos()) {
    const f = layoutFixture(c.minor, c.goarch, c.exp);
    assert.ok(f.go.startsWith(`go${c.minor}.`), f.go);
    assert.equal(f.goarch, c.goarch);
    assert.equal(f.experiment, c.exp);
    // The classic map is 1.19-1.23 and 1.24 with noswissmap (docs/binary-format.md §5: the bucket/group type's name tells).
    const classic = ['1.19', '1.21', '1.22', '1.23'].includes(c.minor) || c.exp === 'noswissmap';
    assert.equal(f.impl, classic ? 'classic' : 'swiss', label(f));
  }
  for (const file of files) {
    const f = readLayoutFixture(file);
    assert.equal(file, `${f.go}-${f.goarch}${f.experiment ? '-' + f.experiment : ''}.json`);
  }
});

test('the "type" strings are the expressions compiled by the probe, in the same order everywhere', () => {
  // Every reg("S", (E)(nil)) line must have S == E, where "*main.T" in S is
  // written "*T" in E (the probe is package main).
  const dir = join(repoRoot, 'gosrc', 'layoutprobe');
  const entries: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.go'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const m = /(?:reg|regAtomic64)\("([^"]+)", \((.+)\)\(nil\)\)/.exec(line);
      if (m) {
        assert.equal(m[1].replaceAll('*main.', '*'), m[2], `${file}: ${line.trim()}`);
        entries.push(m[1]);
      }
    }
  }
  assert.ok(entries.length >= 45, `only ${entries.length} probe entries`);
  const order = readLayoutFixture(layoutFixtureFiles()[0]).maps.map((m) => m.type);
  assert.deepEqual([...order].sort(), [...entries].sort());
  for (const f of all()) assert.deepEqual(f.maps.map((m) => m.type), order, label(f));
});

test('cacheLinePad is internal/cpu.CacheLinePadSize: 64 x86, 32 arm, arm64 64 in 1.19 then 128', () => {
  // src/internal/cpu/cpu_x86.go, cpu_arm.go, cpu_arm64.go (CacheLinePadSize):
  // go1.19.8 cpu_arm64.go:7 says 64; go1.21.13 cpu_arm64.go:10 and later say 128.
  const want: Record<string, number> = { amd64: 64, '386': 64, arm64: 128, arm: 32 };
  for (const f of all()) {
    const w = f.goarch === 'arm64' && f.go.startsWith('go1.19.') ? 64 : want[f.goarch];
    assert.equal(f.cacheLinePad, w, label(f));
  }
});

test('classic headers: hmap 48/28 (56/36 with 1.24 clearSeq), mapextra 24/12, hiter 96/48 (104/56)', () => {
  // classic: hmap, mapextra and hiter in runtime/map.go.
  for (const f of all().filter((x) => x.impl === 'classic')) {
    const w = is64(f.goarch);
    const v124 = f.go.startsWith('go1.24.');
    assert.equal(f.structs['runtime.hmap'].size, v124 ? (w ? 56 : 36) : (w ? 48 : 28), label(f));
    assert.equal(f.structs['runtime.mapextra'].size, w ? 24 : 12, label(f));
    assert.equal(f.structs['runtime.hiter'].size, v124 ? (w ? 104 : 56) : (w ? 96 : 48), label(f));
    const b = f.structs['runtime.hmap'].fields.find((x) => x.name === 'B');
    assert.deepEqual(b, { name: 'B', offset: w ? 9 : 5, size: 1 }, label(f));
    assert.equal(f.structs['internal/runtime/maps.Map'], undefined);
  }
});

test('swiss headers: Map 48/32, table 32/24, Iter 96/64, groupsReference 16/12', () => {
  // swiss: Map, table and Iter in maps/map.go and maps/table.go; groupsReference = {data unsafe.Pointer; lengthMask uint64}
  // (go1.24.4 maps/group.go), 8+8 on 64-bit, 4+8 with 4-aligned uint64 on 32-bit.
  for (const f of all().filter((x) => x.impl === 'swiss')) {
    const w = is64(f.goarch);
    assert.equal(f.structs['internal/runtime/maps.Map'].size, w ? 48 : 32, label(f));
    assert.equal(f.structs['internal/runtime/maps.table'].size, w ? 32 : 24, label(f));
    assert.equal(f.structs['internal/runtime/maps.Iter'].size, w ? 96 : 64, label(f));
    assert.equal(f.structs['internal/runtime/maps.groupsReference'].size, w ? 16 : 12, label(f));
    const tp = f.structs['internal/runtime/maps.Map'].fields.find((x) => x.name === 'tombstonePossible');
    // tombstonePossible exists from 1.25 (maps/map.go of 1.25 on), so in 1.26/1.27 here.
    assert.equal(tp !== undefined, !f.go.startsWith('go1.24.'), label(f));
  }
});

test('descriptor struct sizes: classic 88/56, swiss 112/64, 1.27 swiss 136/76', () => {
  // descriptors: docs/binary-format.md §5 (136 on 64-bit). 1.27 on 32-bit, by hand from
  // go1.27.3 internal/abi/map.go: header 32 + 4 pointers (16) + 6 uintptrs (24)
  // + Flags u32 (4) = 76, already 4-aligned.
  const name: Record<string, string> = {
    go1_19: 'runtime.maptype', go1_21: 'internal/abi.MapType', go1_22: 'internal/abi.MapType',
    go1_23: 'internal/abi.MapType', go1_24: 'internal/abi.SwissMapType', go1_26: 'internal/abi.MapType',
    go1_27: 'internal/abi.MapType',
  };
  for (const f of all()) {
    const w = is64(f.goarch);
    const key = f.go.split('.').slice(0, 2).join('_');
    const n = f.experiment === 'noswissmap' ? 'internal/abi.OldMapType' : name[key];
    const want = f.impl === 'classic' ? (w ? 88 : 56) : f.go.startsWith('go1.27.') ? (w ? 136 : 76) : (w ? 112 : 64);
    assert.equal(f.structs[n]?.size, want, `${label(f)} ${n}`);
  }
});

test('classic worked examples: bucket sizes, flags, hashers', () => {
  for (const f of all().filter((x) => x.impl === 'classic')) {
    const w = is64(f.goarch);
    const check = (type: string, bucketSize: number, flags: number, hasher?: string): void => {
      const m = mapOf(f, type);
      assert.equal(m.bucket?.size, bucketSize, `${label(f)} ${type}`);
      assert.equal(m.descriptor?.bucketSize, bucketSize, `${label(f)} ${type}`);
      assert.equal(m.descriptor?.flags, flags, `${label(f)} ${type} flags`);
      if (hasher) assert.equal(m.hasher, hasher, `${label(f)} ${type} hasher`);
    };
    check('map[int64]int64', w ? 144 : 140, 4, 'runtime.memhash64');
    check('map[string]int', w ? 208 : 108, 12, 'runtime.strhash');
    check('map[int32]int8', w ? 56 : 52, 4, 'runtime.memhash32');
    check('map[[3]byte]struct{}', w ? 40 : 36, 4, 'runtime.memhash_varlen');
    check('map[string][200]byte', w ? 208 : 108, 14, 'runtime.strhash');
    // "map[struct{a int8; b int64}]bool gives 152 / 116": same key size as
    // struct{a int64; b int8} (16 / 12), same bool elem.
    check('map[struct{a int64; b int8}]bool', w ? 152 : 116, 4);
    // map[[200]byte]string: keysize = PtrSize, flags 5 (indirect key + reflexive).
    const big = mapOf(f, 'map[[200]byte]string');
    assert.equal(big.descriptor?.keySize, w ? 8 : 4);
    assert.equal(big.descriptor?.flags, 5);
    // map[any]...: flags 24 (need key update + hash might panic; not reflexive).
    assert.equal(mapOf(f, 'map[any]chan int').descriptor?.flags, 24);
    // map[float64]...: flags 8 (not reflexive, need key update).
    assert.equal(mapOf(f, 'map[float64]complex128').descriptor?.flags, 8);
    // Bucket field order topbits, keys, elems, overflow; overflow is the last word (reflectdata/reflect.go MapBucketType).
    for (const m of f.maps.filter((x) => x.bucket)) {
      const b = m.bucket!;
      assert.deepEqual(b.fields.map((x) => x.name), ['topbits', 'keys', 'elems', 'overflow'], m.type);
      assert.equal(b.fields[3].offset, b.size - (w ? 8 : 4), `${label(f)} ${m.type}`);
    }
  }
});

test('classic 386/arm refuse maps of 64-bit atomics with an internal compiler error', () => {
  const atomics = ['map[int]atomic.Int64', 'map[int8]atomic.Int64', 'map[int]struct{ a atomic.Uint64; b int32 }'];
  for (const f of all()) {
    for (const t of atomics) {
      const m = mapOf(f, t);
      if (f.impl === 'classic' && !is64(f.goarch)) {
        assert.match(m.compileError ?? '', /^bad offset of overflow in bmap for map\[/, `${label(f)} ${t}`);
      } else {
        assert.equal(m.compileError, undefined, `${label(f)} ${t}`);
        assert.ok((m.bucket ?? m.group)!.size > 0);
      }
    }
    // The compiler's message (reflectdata MapBucketType's overflow check) names these exact figures (go1.21+ message format).
    if (f.impl === 'classic' && !is64(f.goarch) && !f.go.startsWith('go1.19.')) {
      assert.match(mapOf(f, 'map[int]atomic.Int64').compileError!, /overflow\.Offset=104, bucket\.Size\(\)-int64\(types\.PtrSize\)=108$/);
    }
  }
});

test('classic growth: load factor 6.0 in 1.21 and 6.5 elsewhere (runtime/map.go loadFactorNum)', () => {
  for (const f of all().filter((x) => x.impl === 'classic')) {
    const g = f.growth.classic!;
    const is121 = f.go.startsWith('go1.21.');
    const firsts = g.insertB.slice(0, 5);
    assert.deepEqual(firsts, is121 ? [[9, 1], [13, 2], [25, 3], [49, 4], [97, 5]] : [[9, 1], [14, 2], [27, 3], [53, 4], [105, 5]], label(f));
    assert.equal(g.hintB['13'], is121 ? 2 : 1, label(f));
    assert.equal(g.hintB['8'], 0);
    assert.equal(g.hintB['9'], 1);
    // Hand derivation: B is the smallest with count <= 6.5*2^B (6*2^B in 1.21),
    // so 1000 -> B=8 (6.5*256 = 1664) and 5000 -> B=10 (6.5*1024 = 6656);
    // 1.21: 6*128 = 768 < 1000 <= 1536 and 5000 <= 6144.
    assert.equal(g.hintB['1000'], 8);
    assert.equal(g.hintB['5000'], 10);
  }
});

test('swiss worked examples: slot / elemOff / group / flags', () => {
  // [type, 64-bit slot, elemOff, group, flags, 32-bit slot, elemOff, group, flags]
  const table: [string, number, number, number, number, number, number, number, number][] = [
    ['map[int64]int64', 16, 8, 136, 0, 16, 8, 136, 0],
    ['map[string]int', 24, 16, 200, 1, 12, 8, 104, 1],
    ['map[int32]int8', 8, 4, 72, 0, 8, 4, 72, 0],
    ['map[[3]byte]struct{}', 4, 3, 40, 0, 4, 3, 40, 0],
    ['map[string][200]byte', 24, 16, 200, 9, 12, 8, 104, 9],
    ['map[int8]int64', 16, 8, 136, 0, 12, 4, 104, 0],
    ['map[int64]struct{}', 16, 8, 136, 0, 12, 8, 104, 0],
    ['map[string]struct{}', 24, 16, 200, 1, 12, 8, 104, 1],
    ['map[[128]byte]int', 136, 128, 1096, 0, 132, 128, 1064, 0],
    ['map[[130]byte]int', 16, 8, 136, 4, 8, 4, 72, 4],
    ['map[any]float64', 24, 16, 200, 3, 16, 8, 136, 3],
    ['map[float64]string', 24, 8, 200, 1, 16, 8, 136, 1],
    ['map[struct{}]struct{}', 0, 0, 16, 0, 0, 0, 12, 0],
  ];
  for (const f of all().filter((x) => x.impl === 'swiss')) {
    const w = is64(f.goarch);
    const v127 = f.go.startsWith('go1.27.');
    for (const row of table) {
      const [type] = row;
      const [slot, elemOff, group, flags] = (w ? row.slice(1, 5) : row.slice(5, 9)) as number[];
      const m = mapOf(f, type);
      const d = m.descriptor!;
      const where = `${label(f)} ${type}`;
      assert.equal(m.group?.size, group, where);
      assert.equal(d.groupSize, group, where);
      assert.equal(m.group?.slot?.size, slot, where);
      assert.equal(d.elemOff, elemOff, where);
      assert.equal(d.flags, flags, where);
      if (v127) {
        // 1.27 interleaved group: keys at slots (8), stride = slot size,
        // first elem at 8 + elemOff (go1.27.3 internal/abi/map.go comment).
        assert.equal(d.slotSize, undefined);
        assert.deepEqual([d.keysOff, d.keyStride, d.elemsOff, d.elemStride], [8, slot, 8 + elemOff, slot], where);
      } else {
        assert.equal(d.slotSize, slot, where);
      }
    }
    for (const m of f.maps.filter((x) => x.group)) {
      assert.deepEqual(m.group!.fields.map((x) => x.name), ['ctrl', 'slots'], m.type);
      assert.deepEqual(m.group!.slot!.fields.map((x) => x.name), ['key', 'elem'], m.type);
    }
  }
});

test('swiss growth: make(map, hint) sizes (maps/map.go NewMap) and the first split at 897 inserts', () => {
  for (const f of all().filter((x) => x.impl === 'swiss')) {
    const g = f.growth.swiss!;
    for (const h of ['0', '1', '8']) assert.deepEqual(g.hint[h], { dirLen: 0, small: true }, `${label(f)} hint ${h}`);
    const one = (cap: number) => ({ dirLen: 1, globalDepth: 0, capacities: [cap] });
    for (const h of ['9', '14']) assert.deepEqual(g.hint[h], one(16), `${label(f)} hint ${h}`);
    assert.deepEqual(g.hint['15'], one(32));
    assert.deepEqual(g.hint['100'], one(128));
    assert.deepEqual(g.hint['1000'], { dirLen: 2, globalDepth: 1, capacities: [1024, 1024] });
    assert.deepEqual(g.hint['5000'], { dirLen: 8, globalDepth: 3, capacities: Array(8).fill(1024) });
    // Hand derivation (maps/map.go small maps, maps/table.go insert and rehash): 8 slots small; the 9th insert makes a
    // table of 16; a table holds 7/8 of its capacity, so it doubles at
    // 14+1, 28+1, 56+1, ... 448+1, and the table of 1024 (896 full) splits.
    assert.deepEqual(g.insert.map(([n, s]) => [n, s.capacities]), [
      [9, [16]], [15, [32]], [29, [64]], [57, [128]], [113, [256]], [225, [512]], [449, [1024]], [897, [1024, 1024]],
    ], label(f));
    assert.equal(g.insertMax, 897);
  }
});

test('reflect and DWARF agree wherever the DWARF has the bucket/group struct', () => {
  let seen = 0;
  for (const f of all()) {
    for (const m of f.maps) {
      const g = m.bucket ?? m.group;
      if (!g?.dwarf) continue;
      seen++;
      const d = f.structs[g.dwarf];
      assert.equal(d.size, g.size, `${label(f)} ${m.type}`);
      assert.deepEqual(d.fields, g.fields, `${label(f)} ${m.type}`);
    }
  }
  assert.ok(seen > 0);
});
