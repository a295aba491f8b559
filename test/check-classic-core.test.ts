/**
 * The classic checker on real process memory: cores of gosrc/coreprobe (Go
 * 1.22, amd64 kernel core and gcore, arm64 under qemu) hold maps the runtime
 * built — main.big (5000 int64 keys: B = 10, pointer-free buckets, chains
 * through preallocated overflow buckets, an overflow list, nextOverflow in the
 * array's tail), main.growing (caught mid-grow), strings, struct and indirect
 * keys and elems. Real Go says they are intact: every one checks clean with
 * every invariant checked, classic/extra's rules included — and this test
 * first shows, from the raw header and mapextra words, that those states are
 * really there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { realCore, type CoreSpec } from './support/cores.js';
import { openCore } from '../src/source/process/index.js';
import { checkClassic, classicEntries } from '../src/check/classic/index.js';
import { layoutOf, type ClassicLayout } from '../src/layout/index.js';
import { decodeUint, type MemoryReader } from '../src/model/memory.js';
import type { MapSource } from '../src/check/types.js';

function fields(src: MapSource, struct: 'hmap' | 'mapextra', addr: bigint): Record<string, bigint> {
  const L = layoutOf(src.type, src.target);
  const d = L.headers[struct];
  const b = src.reader.read(addr, d.size);
  return Object.fromEntries(d.fields.map((f) => [f.name, decodeUint(b.subarray(f.offset, f.offset + f.size), src.target.arch.bigEndian)]));
}

const word = (r: MemoryReader, a: bigint) => decodeUint(r.read(a, r.arch.ptrSize), r.arch.bigEndian);

for (const spec of [{ go: '1.22', arch: 'amd64', how: 'crash' }, { go: '1.22', arch: 'arm64', how: 'crash' }, { go: '1.22', arch: 'amd64', how: 'gcore' }] as CoreSpec[]) {
  test(`real core ${spec.go} ${spec.arch} ${spec.how}: every classic map checks clean, preallocated overflow and mapextra included`, async () => {
    const { core, exe } = await realCore(spec);
    const p = openCore(core, readFileSync(core), exe, readFileSync(exe));
    const maps = p.globalMaps({ entries: classicEntries });
    const byName = new Map(maps.map((m) => [m.name, m]));
    for (const m of maps) {
      const r = checkClassic(m);
      assert.deepEqual(r.findings, [], m.name);
      assert.deepEqual(r.unchecked, [], m.name);
      assert.equal(classicEntries(m, 1 << 20).length, r.count, `${m.name}: entries = count`);
    }
    // The states the rules are about, read from the raw words (not through the checker).
    const big = byName.get('main.big')!;
    const h = fields(big, 'hmap', big.addr);
    const L = layoutOf(big.type, big.target) as ClassicLayout;
    assert.equal(h.B, 10n);
    assert.equal(h.count, 5000n);
    assert.equal(L.bucket.overflowIsPointer, false, 'pointer-free buckets: the runtime keeps an overflow list');
    const x = fields(big, 'mapextra', h.extra);
    const size = BigInt(L.bucket.size);
    const nextIdx = (x.nextOverflow - h.buckets) / size;
    assert.ok(nextIdx > 1024n, `nextOverflow at bucket ${nextIdx}: preallocated overflow buckets 1024..${nextIdx - 1n} are in chains`);
    const listLen = word(big.reader, x.overflow + BigInt(big.target.arch.ptrSize));
    assert.equal(listLen, h.noverflow, 'B < 16: one list entry and one noverflow count per overflow bucket');
    assert.ok(listLen >= nextIdx - 1024n);
    const growing = byName.get('main.growing')!;
    assert.notEqual(fields(growing, 'hmap', growing.addr).oldbuckets, 0n, 'main.growing is mid-grow');
  });
}
