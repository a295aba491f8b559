/**
 * Every input read from a core is bounded by what the process could hold:
 * sweeps of each map header field, the first table's (Swiss) or bucket's
 * (classic) fields and the first string key's length, over boundary values,
 * on real cores of Go 1.22 (classic) and 1.26 (Swiss). Each case must end as
 * findings or a clean error (never an exception), within a bounded time and
 * with the process's memory bounded. Then the 60 MiB string key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realCore, type CoreSpec } from './support/cores.js';
import { checkOne, MutatedMemory, openCoreSeed, type CoreSeed } from '../bench/fuzz/targets.js';
import { layoutOf } from '../src/layout/index.js';
import type { MapSource } from '../src/check/types.js';
import { decodeUint } from '../src/model/memory.js';

/** Seconds one case may take on a loaded shared machine: a bound against hangs, not a benchmark. */
const CASE_LIMIT_MS = 30_000;
/** Resident memory the test process may reach (the cores are read into memory, about 50 MB each). */
const RSS_LIMIT = 1536 * 2 ** 20;

function le(v: bigint, w: number): Uint8Array {
  const b = new Uint8Array(w);
  for (let i = 0; i < w; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
}

function values(w: number, self: bigint): bigint[] {
  if (w === 1) return [0n, 1n, 0x7fn, 0x80n, 0xffn];
  if (w === 2) return [0n, 1n, 0x7fffn, 0x8000n, 0xffffn];
  if (w === 4) return [0n, 1n, 0x7fffffffn, 0xffffffffn];
  return [0n, 1n, 0x7fffn, 3322n, 0xffffffffn, (1n << 63n) - 1n, (1n << 64n) - 1n, self, self + 8n, self - 4096n];
}

interface Field {
  name: string;
  addr: bigint;
  size: number;
}

/** The fields to sweep in one map: header, then the first table and its groups reference, or the first bucket's overflow and tophash. */
function fieldsOf(m: MapSource): Field[] {
  const L = layoutOf(m.type, m.target);
  const r = m.reader;
  const word = (a: bigint) => decodeUint(r.read(a, m.target.arch.ptrSize), m.target.arch.bigEndian);
  const out: Field[] = [];
  if (L.impl === 'swiss') {
    for (const f of L.headers.Map.fields) out.push({ name: `Map.${f.name}`, addr: m.addr + BigInt(f.offset), size: f.size });
    const dirLen = word(m.addr + BigInt(L.headers.Map.fields.find((f) => f.name === 'dirLen')!.offset));
    const dirPtr = word(m.addr + BigInt(L.headers.Map.fields.find((f) => f.name === 'dirPtr')!.offset));
    if (dirLen > 0n && dirPtr !== 0n) {
      const t = word(dirPtr);
      for (const f of L.headers.table.fields) {
        if (f.name === 'groups') for (const g of L.headers.groupsReference.fields) out.push({ name: `table.groups.${g.name}`, addr: t + BigInt(f.offset + g.offset), size: g.size });
        else out.push({ name: `table.${f.name}`, addr: t + BigInt(f.offset), size: f.size });
      }
      out.push({ name: 'directory[0]', addr: dirPtr, size: 8 });
    }
    if (m.type.key.kind === 'string' && dirPtr !== 0n) {
      // The first slot's key (a small map's group; else table 0's first group), its length word.
      const group = dirLen === 0n ? dirPtr : word(word(dirPtr) + BigInt(L.headers.table.fields.find((f) => f.name === 'groups')!.offset));
      out.push({ name: 'slot[0].key.len', addr: group + 8n + 8n, size: 8 });
    }
  } else {
    for (const f of L.headers.hmap.fields) out.push({ name: `hmap.${f.name}`, addr: m.addr + BigInt(f.offset), size: f.size });
    const buckets = word(m.addr + BigInt(L.headers.hmap.fields.find((f) => f.name === 'buckets')!.offset));
    if (buckets !== 0n) {
      out.push({ name: 'bucket[0].tophash[0]', addr: buckets, size: 1 });
      out.push({ name: 'bucket[0].overflow', addr: buckets + BigInt(L.bucket.size - m.target.arch.ptrSize), size: m.target.arch.ptrSize });
      if (m.type.key.kind === 'string') out.push({ name: 'bucket[0].key[0].len', addr: buckets + 8n + 8n, size: 8 });
    }
  }
  return out;
}

function sweep(seed: CoreSeed, label: string): { cases: number; slowest: number; slowestCase: string; peakRss: number } {
  let cases = 0;
  let slowest = 0;
  let peakRss = 0;
  let slowestCase = '';
  for (const m of seed.maps) {
    for (const f of fieldsOf(m)) {
      for (const v of values(f.size, m.addr)) {
        const mem = new MutatedMemory(m.reader);
        mem.patches.push({ addr: f.addr, bytes: le(v & ((1n << BigInt(8 * f.size)) - 1n), f.size) });
        const what = `${label} ${m.name} ${f.name}=0x${v.toString(16)}`;
        const t0 = performance.now();
        const o = checkOne({ ...m, reader: mem }, what);
        const ms = performance.now() - t0;
        cases++;
        if (ms > slowest) [slowest, slowestCase] = [ms, what];
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        assert.equal(o.bad, undefined, `${what}: ${o.stderr.slice(0, 500)}`);
        assert.ok(ms < CASE_LIMIT_MS, `${what}: ${Math.round(ms)} ms`);
        assert.ok(process.memoryUsage().rss < RSS_LIMIT, `${what}: RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
      }
    }
  }
  return { cases, slowest, slowestCase, peakRss };
}

const SPECS: CoreSpec[] = [
  { go: '1.22', arch: 'amd64', how: 'crash' },
  { go: '1.26', arch: 'amd64', how: 'crash' },
];

for (const spec of SPECS) {
  test(`core ${spec.go} ${spec.arch}: sweeps of every map's header and table fields stay bounded`, async () => {
    const c = await realCore(spec);
    const seed = openCoreSeed(c.core, c.exe);
    assert.ok(seed.maps.length >= 20, `${seed.maps.length} maps`);
    const r = sweep(seed, `${spec.go}/${spec.arch}`);
    assert.ok(r.cases > 1000, `${r.cases} cases`);
    console.log(`# core ${spec.go}: ${r.cases} cases, slowest ${Math.round(r.slowest)} ms (${r.slowestCase}), peak RSS ${Math.round(r.peakRss / 2 ** 20)} MB`);
  });
}

test('core 1.26 gcore: a garbage string key of 60 MiB costs one read of it, not gigabytes', async () => {
  const c = await realCore({ go: '1.26', arch: 'amd64', how: 'gcore' });
  const seed = openCoreSeed(c.core, c.exe);
  const m = seed.maps.find((x) => x.name === 'main.cfg.ByName')!;
  assert.ok(m && m.type.kind === 'map' && m.type.key.kind === 'string');
  // A mapped region of at least 60 MiB in this gcore core (Go's reserved heap arena, written as zeros).
  const core = (seed.p as unknown as { core?: { segments: { addr: number; fileSize: number }[] } }).core;
  const big = (core?.segments ?? []).find((s) => s.fileSize >= 60 << 20);
  assert.ok(big, 'a 60 MiB segment');
  const dirPtr = decodeUint(m.reader.read(m.addr + 16n, 8), false); // Map.dirPtr (small map: the group)
  const ctrl = m.reader.read(dirPtr, 8);
  const slot = [...ctrl].findIndex((b) => b < 0x80);
  assert.ok(slot >= 0, 'a full slot');
  const slotSize = 24; // string key (16) + int elem (8), Go 1.26 amd64
  const key = dirPtr + 8n + BigInt(slot * slotSize);
  const mem = new MutatedMemory(m.reader);
  mem.patches.push({ addr: key, bytes: le(BigInt(big.addr), 8) }, { addr: key + 8n, bytes: le(60n << 20n, 8) });
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const o = checkOne({ ...m, reader: mem }, '60 MiB key');
  const ms = performance.now() - t0;
  const grew = process.memoryUsage().rss - before;
  assert.equal(o.bad, undefined, o.stderr);
  assert.equal(o.code, 1, 'the key no longer hashes to its slot: a finding');
  // Before: 137 s and 3.7 GB (the key's bytes as a 120-million-character hex identity). Now a few reads of 60 MiB.
  assert.ok(grew < 600 * 2 ** 20, `RSS grew ${Math.round(grew / 2 ** 20)} MB`);
  assert.ok(ms < CASE_LIMIT_MS, `${Math.round(ms)} ms`);
});
