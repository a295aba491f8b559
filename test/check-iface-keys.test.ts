/**
 * Maps whose keys hold interfaces (map[any]int, map[error]int, a struct key
 * with an `any` field), checked on real cores of gosrc/coreprobe with the
 * dynamic types read from the program's DWARF (MapSource.dynamicTypes).
 *
 * No false alarms: the real runtime placed every key (nilinterhash /
 * interhash over the dynamic value), so with the real key material every
 * such map checks clean with nothing unchecked — a key-bucket/H2 test that
 * passes for thousands of keys of mixed dynamic types, mid-growth included,
 * shows the dynamic types and the hashes agree with real Go. Then
 * corruptions of real memory, each with its codes derived by hand beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { openCore, openLive, type GoProcess } from '../src/source/process/index.js';
import { checkClassic, classicEntries } from '../src/check/classic/index.js';
import { checkSwiss, swissEntries } from '../src/check/swiss/index.js';
import type { MapReport, MapSource } from '../src/check/types.js';
import { implOf } from '../src/layout/index.js';
import { decodeUint, encodeUint } from '../src/model/memory.js';
import { liveProbe, realCore, type CoreSpec, type CoreTruth } from './support/cores.js';
import { PatchedMemory } from './support/patch.js';
import { cpuClock } from './support/cpuclock.js';

const IFACE_MAPS = ['main.ifaceKeys', 'main.errKeys', 'main.pairKeys', 'main.ifaceBig', 'main.ifaceGrowing'];

const SPECS: CoreSpec[] = [
  { go: '1.22', arch: 'amd64', how: 'crash' },
  { go: '1.22', arch: 'arm64', how: 'crash' },
  { go: '1.26', arch: 'amd64', how: 'crash' },
  { go: '1.26', arch: 'arm64', how: 'crash' },
  { go: '1.27', arch: 'amd64', how: 'crash' },
  { go: '1.27', arch: 'arm64', how: 'crash' },
];

async function open(spec: CoreSpec): Promise<{ p: GoProcess; truth: CoreTruth }> {
  const c = await realCore(spec);
  return { p: openCore(c.core, readFileSync(c.core), c.exe, readFileSync(c.exe)), truth: c.truth };
}

const check = (m: MapSource): MapReport => (implOf(m.target) === 'swiss' ? checkSwiss(m) : checkClassic(m));

function codes(r: MapReport): string[] {
  return [...new Set(r.findings.map((f) => f.code))].sort();
}

function patched(m: MapSource, edits: [bigint, Uint8Array][]): MapSource {
  const r = new PatchedMemory(m.reader);
  for (const [a, b] of edits) r.patch(a, b);
  return { ...m, reader: r };
}

for (const spec of SPECS) {
  test(`core ${spec.go} ${spec.arch}: maps with interface keys check clean, hashed under their dynamic types`, async () => {
    const { p, truth } = await open(spec);
    for (const name of IFACE_MAPS) {
      const m = p.mapByName(name);
      assert.ok(m.dynamicTypes, `${name}: the core supplies dynamic types`);
      const r = check(m);
      assert.deepEqual(r.findings, [], `${name} (${r.type}) checks clean`);
      assert.deepEqual(r.unchecked, [], `${name}: hash and duplicate invariants all ran`);
      assert.equal(r.count, truth.maps.find((t) => t.name === name)?.len, `${name}: count`);
      // Without dynamic types (a snapshot has none) the hash and duplicate codes are listed unchecked.
      const bare = check({ ...m, dynamicTypes: undefined });
      assert.deepEqual(bare.findings, []);
      assert.ok(bare.unchecked.some((u) => u.code.endsWith('/duplicate')), `${name}: duplicate unchecked without types`);
    }
    // main.ifaceGrowing is caught mid-growth on classic (the program's own read of oldbuckets, word 3);
    // on Swiss, main.ifaceBig has a directory of several tables (maps.Map.dirLen, word 3) and
    // main.ifaceKeys one table (dirLen 1): the probe and directory rules ran on interface keys.
    const hdr = (n: string) => truth.maps.find((t) => t.name === n)?.hdr[3];
    if (implOf(p.target) === 'classic') assert.notEqual(hdr('main.ifaceGrowing'), '0x0', 'ifaceGrowing has oldbuckets');
    else {
      assert.ok(Number(hdr('main.ifaceBig')) > 1, 'ifaceBig has several tables');
      assert.equal(hdr('main.ifaceKeys'), '0x1', 'ifaceKeys is one table');
    }
    // Negative control: other hash keys misplace most of main.ifaceBig's 3000 keys.
    const big = p.mapByName('main.ifaceBig');
    assert.ok(big.hash);
    const other = { ...big.hash, keys: { hashkey: big.hash.keys.hashkey.map((k) => k ^ 0x5a5a5a5an), aeskeysched: big.hash.keys.aeskeysched.map((b) => b ^ 0x5a) } };
    const wrong = check({ ...big, hash: other });
    assert.ok(wrong.findings.length >= 40, `wrong keys: ${wrong.findings.length} findings`);
  });
}

// A live process (frozen, read through /proc/N/mem) supplies dynamic types the same way.
for (const go of ['1.22', '1.26']) {
  test(`live ${go} amd64: maps with interface keys check clean with nothing unchecked`, async () => {
    const probe = await liveProbe(go);
    try {
      const p = openLive(probe.pid, { freeze: true });
      try {
        for (const name of IFACE_MAPS) {
          const m = p.mapByName(name);
          const r = check(m);
          assert.deepEqual([r.findings, r.unchecked], [[], []], `live ${go}: ${name}`);
          assert.equal(r.count, probe.truth.maps.find((t) => t.name === name)?.len, `live ${go}: ${name} count`);
        }
      } finally {
        p.resume();
        p.close();
      }
    } finally {
      await probe.stop();
    }
  });
}

/** Live key addresses of a map with the type words of their interfaces (first key word). */
function keys(m: MapSource): { key: bigint; type: bigint; data: bigint }[] {
  const W = m.target.arch.ptrSize;
  const ents = implOf(m.target) === 'swiss' ? swissEntries(m, 100000) : classicEntries(m, 100000);
  return ents.map((e) => {
    const b = m.reader.read(e.key, 2 * W);
    return { key: e.key, type: decodeUint(b.subarray(0, W), false), data: decodeUint(b.subarray(W), false) };
  });
}

/** The boxed value an eface points to, as an unsigned integer of `size` bytes. */
function boxed(m: MapSource, data: bigint, size: number): bigint {
  return decodeUint(m.reader.read(data, size), false);
}

const word = (v: bigint): Uint8Array => encodeUint(v, 8, false);

/**
 * main.ifaceKeys holds int(5) and int64(5). runtime.typehash hashes both
 * with memhash64 over the same 8 bytes (regular memory of size 8), and
 * nilinterhash does not mix the type in, so the two have the same hash;
 * they differ only by type word, and nilinterequal compares type words.
 */
function intAndInt64(m: MapSource, truth: CoreTruth) {
  const ks = keys(m);
  const int5 = ks.find((k) => k.type === BigInt(truth.types.int) && boxed(m, k.data, 8) === 5n);
  const int64five = ks.find((k) => k.type === BigInt(truth.types.int64) && boxed(m, k.data, 8) === 5n);
  const int32seven = ks.find((k) => k.type === BigInt(truth.types.int32) && boxed(m, k.data, 4) === 7n);
  assert.ok(int5 && int64five && int32seven, 'int(5), int64(5), int32(7) keys found by their type words');
  return { int5, int64five, int32seven };
}

// amd64 and arm64 lay these maps out alike (8-byte words, little-endian): the offsets below hold for both.
for (const arch of ['amd64', 'arm64'] as const) test(`core 1.22 ${arch} (classic): corruptions of interface keys give their codes`, async () => {
  const { p, truth } = await open({ go: '1.22', arch, how: 'crash' });
  const m = p.mapByName('main.ifaceKeys');
  const { int5, int32seven } = intAndInt64(m, truth);
  // int(5)'s type word → int64's descriptor: same hash (above), now == int64(5): exactly a duplicate.
  assert.deepEqual(codes(checkClassic(patched(m, [[int5.key, word(BigInt(truth.types.int64))]]))), ['classic/duplicate']);
  // int32(7)'s type word → []int's descriptor: typehash panics on a slice ("hash of unhashable
  // type []int"), so no insert can have put the key anywhere: exactly key-comparable (its hash and
  // placement are then not judged: there is no hash to judge them by).
  assert.deepEqual(codes(checkClassic(patched(m, [[int32seven.key, word(BigInt(truth.types['[]int']))]]))), ['classic/key-comparable']);
  // A type word that is no type descriptor (8 bytes into int's): not resolvable, so no finding,
  // and the hash and duplicate codes are reported unchecked.
  const unres = checkClassic(patched(m, [[int5.key, word(BigInt(truth.types.int) + 8n)]]));
  assert.deepEqual(unres.findings, []);
  assert.deepEqual(unres.unchecked.map((u) => u.code).sort(), ['classic/duplicate', 'classic/evacuation-xy', 'classic/key-bucket', 'classic/key-tophash']);

  // main.ifaceBig: B (header byte 9) 9 for 3000 keys (the smallest B with 3000 ≤ 6.5·2^B), not growing. A bucket of map[any]int on amd64 (runtime/map.go
  // bmap): tophash [8]uint8 at 0, keys [8]any (16 bytes) at 8, elems [8]int at 136, overflow at 200:
  // 208 bytes. Keys inside the bucket array are at buckets + 208·b + 8 + 16·i, tophash at buckets + 208·b + i.
  const big = p.mapByName('main.ifaceBig');
  const hdr = big.reader.read(big.addr, 48);
  assert.equal(hdr[9], 9);
  assert.equal(decodeUint(hdr.subarray(24, 32), false), 0n, 'no oldbuckets');
  const buckets = decodeUint(hdr.subarray(16, 24), false);
  const inArray = keys(big).filter((k) => k.key >= buckets && k.key < buckets + 512n * 208n).map((k) => {
    const off = k.key - buckets;
    return { ...k, bucket: off / 208n, slot: (off % 208n - 8n) / 16n };
  });
  const a = inArray[0];
  const b = inArray.find((k) => k.bucket !== a.bucket);
  const c = inArray.find((k) => k.bucket === a.bucket && k.slot !== a.slot);
  assert.ok(b && c);
  const top = (k: { bucket: bigint; slot: bigint }) => buckets + k.bucket * 208n + k.slot;
  const bytes = (k: { key: bigint }) => big.reader.read(k.key, 16);
  const topOf = (k: { bucket: bigint; slot: bigint }) => big.reader.read(top(k), 1);
  // Swap a's and b's keys, each with its tophash: each key keeps its own tophash but sits in the
  // other's bucket, which its hash does not select: exactly key-bucket.
  const swapped = checkClassic(patched(big, [[a.key, bytes(b)], [b.key, bytes(a)], [top(a), topOf(b)], [top(b), topOf(a)]]));
  assert.deepEqual(codes(swapped), ['classic/key-bucket']);
  assert.equal(swapped.findings.length, 2);
  // Copy a's key and tophash over c in the same bucket: placed right, but live twice: exactly duplicate.
  assert.deepEqual(codes(checkClassic(patched(big, [[c.key, bytes(a)], [top(c), topOf(a)]]))), ['classic/duplicate']);
});

for (const arch of ['amd64', 'arm64'] as const) test(`core 1.26 ${arch} (Swiss): corruptions of interface keys give their codes`, async () => {
  const { p, truth } = await open({ go: '1.26', arch, how: 'crash' });
  const m = p.mapByName('main.ifaceKeys');
  const { int5, int32seven } = intAndInt64(m, truth);
  // As on classic: same hash, now equal to int64(5).
  assert.deepEqual(codes(checkSwiss(patched(m, [[int5.key, word(BigInt(truth.types.int64))]]))), ['swiss/duplicate']);
  // An unhashable dynamic type: Go panics hashing it before any slot is written: exactly key-comparable.
  assert.deepEqual(codes(checkSwiss(patched(m, [[int32seven.key, word(BigInt(truth.types['[]int']))]]))), ['swiss/key-comparable']);
  const unres = checkSwiss(patched(m, [[int5.key, word(BigInt(truth.types.int) + 8n)]]));
  assert.deepEqual(unres.findings, []);
  assert.deepEqual(unres.unchecked.map((u) => u.code).sort(), ['swiss/directory-placement', 'swiss/duplicate', 'swiss/h2', 'swiss/probe']);

  // main.errKeys: 6 keys, a small map (maps.Map.dirLen, word 3, is 0): dirPtr (word 2) is one group,
  // a control word (8 bytes, byte i for slot i on little-endian) then 8 slots of {error (16), int (8)}.
  const e = p.mapByName('main.errKeys');
  const hdr = e.reader.read(e.addr, 32);
  assert.equal(decodeUint(hdr.subarray(24, 32), false), 0n);
  const group = decodeUint(hdr.subarray(16, 24), false);
  const ctrl = e.reader.read(group, 8);
  const ks = keys(e).filter((k) => k.type !== 0n).map((k) => ({ ...k, slot: Number((k.key - group - 8n) / 24n) }));
  // Two slots whose control bytes (the H2s the runtime stored) differ.
  const a = ks[0];
  const b = ks.find((k) => ctrl[k.slot] !== ctrl[a.slot]);
  assert.ok(b);
  const bytes = (k: { key: bigint }) => e.reader.read(k.key, 16);
  // Swap the two keys but not their control bytes: each slot's H2 is now the other key's: exactly h2
  // (a small map has no probe sequence or directory to break).
  const swapped = checkSwiss(patched(e, [[a.key, bytes(b)], [b.key, bytes(a)]]));
  assert.deepEqual(codes(swapped), ['swiss/h2']);
  assert.equal(swapped.findings.length, 2);
  // Copy a's key and control byte over b: both right, but live twice: exactly duplicate.
  assert.deepEqual(codes(checkSwiss(patched(e, [[b.key, bytes(a)], [group + BigInt(b.slot), Uint8Array.of(ctrl[a.slot])]]))), ['swiss/duplicate']);

  // main.ifaceBig: a directory (dirPtr word 2, dirLen word 3) of *table. A table (internal/runtime/
  // maps/table.go, amd64/arm64): used, capacity, growthLeft uint16 at 0/2/4, localDepth at 6, index at 8,
  // groups.data at 16, groups.lengthMask at 24. A group of map[any]int: a control word (byte i for
  // slot i), then 8 slots of {any (16), int (8)}: 200 bytes.
  const big = p.mapByName('main.ifaceBig');
  const bh = big.reader.read(big.addr, 32);
  const dirLen = Number(decodeUint(bh.subarray(24, 32), false));
  const dir = big.reader.read(decodeUint(bh.subarray(16, 24), false), 8 * dirLen);
  const tables = [...new Set(Array.from({ length: dirLen }, (_, i) => decodeUint(dir.subarray(8 * i, 8 * i + 8), false)))].map((t) => {
    const th = big.reader.read(t, 32);
    const data = decodeUint(th.subarray(16, 24), false);
    return { data, end: data + (decodeUint(th.subarray(24, 32), false) + 1n) * 200n };
  });
  assert.ok(tables.length >= 2, `${tables.length} tables`);
  const where = (k: bigint) => {
    const t = tables.findIndex((x) => k >= x.data && k < x.end);
    const g = (k - tables[t].data) / 200n;
    return { table: t, ctrl: tables[t].data + g * 200n + (k - tables[t].data - g * 200n - 8n) / 24n };
  };
  const bk = keys(big).map((k) => ({ ...k, ...where(k.key) }));
  const x = bk.find((k) => k.table === 0);
  const y = bk.find((k) => k.table === 1);
  assert.ok(x && y);
  const kb = (k: { key: bigint }) => big.reader.read(k.key, 16);
  const cb = (k: { ctrl: bigint }) => big.reader.read(k.ctrl, 1);
  // Swap x (table 0) and y (table 1) with their control bytes: H2s still match and nothing is
  // duplicated, but each key's hash selects a directory entry leading to the table the runtime put it
  // in, not the one it now sits in: two directory-placement findings. Whether each key is also
  // reachable on its probe sequence inside the other table depends on its H1 there, which cannot be
  // derived by hand, so swiss/probe may join.
  const moved = checkSwiss(patched(big, [[x.key, kb(y)], [y.key, kb(x)], [x.ctrl, cb(y)], [y.ctrl, cb(x)]]));
  assert.equal(moved.findings.filter((f) => f.code === 'swiss/directory-placement').length, 2);
  assert.ok(codes(moved).every((c) => c === 'swiss/directory-placement' || c === 'swiss/probe'), codes(moved).join());
});

/**
 * Random corruption of interface keys in real memory (type words set to other descriptors, to
 * near misses, to junk; data words and boxed values changed): the checkers return findings and
 * unchecked entries, never an exception, in bounded time. MAPSCOPE_FUZZ_RUNS raises the runs.
 */
for (const go of ['1.22', '1.26']) {
  test(`core ${go} amd64: corrupted interface keys give findings, never an exception`, async () => {
    const { p, truth } = await open({ go, arch: 'amd64', how: 'crash' });
    const ms = ['main.ifaceKeys', 'main.errKeys', 'main.pairKeys'].map((n) => p.mapByName(n));
    const slots = ms.flatMap((m, mi) => keys(m).map((k) => ({ mi, ...k })));
    const descriptors = Object.values(truth.types).map(BigInt);
    const value = fc.oneof(
      fc.constantFrom(...descriptors),
      fc.constantFrom(...descriptors).map((d) => d + 8n),
      fc.constantFrom(...slots.map((s) => s.data)),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.constant(0n),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: ms.length - 1 }),
        fc.array(fc.record({ slot: fc.nat({ max: slots.length - 1 }), word: fc.nat({ max: 1 }), v: value, box: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        (mi, edits) => {
          const cpuMs = cpuClock();
          const m = ms[mi];
          const r = new PatchedMemory(m.reader);
          for (const e of edits) {
            const s = slots.filter((x) => x.mi === mi)[e.slot % slots.filter((x) => x.mi === mi).length];
            if (e.box && s.data !== 0n) r.patch(s.data, word(e.v));
            else r.patch(s.key + BigInt(8 * e.word), word(e.v));
          }
          const rep = check({ ...m, reader: r });
          for (const f of rep.findings) assert.match(f.code, /^(classic|swiss)\//);
          assert.ok(cpuMs() < 3000, `took ${cpuMs().toFixed(0)} ms of CPU`);
        },
      ),
      { numRuns: Number(process.env.MAPSCOPE_FUZZ_RUNS ?? 150), seed: Number(process.env.MAPSCOPE_FUZZ_SEED ?? 11) },
    );
  });
}
