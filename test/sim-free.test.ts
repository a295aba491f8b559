/**
 * The engines free exactly what the garbage collector would take back: after
 * any run of inserts, deletes and clears, the map objects live in simulated
 * memory are the objects reachable from the map's header the way the GC
 * scans them (runtime/map.go and internal/runtime/maps: the header, the
 * bucket arrays — old and new while growing — and every overflow bucket
 * chained from them or listed in mapextra; the Swiss directory, each table
 * and its groups, or the small group; every non-nil pointer word of a
 * scanned bucket or group slot that points to an out-of-line key or elem).
 * The walk below is written from those sources, not from the engines'
 * release code. Objects that are not the map's (the scratch key, packed
 * string data) are left out on both sides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, type Scenario } from '../src/engine/scenario.js';
import { engineFor } from '../src/engine/index.js';
import type { EngineMap } from '../src/engine/session.js';
import type { ClassicMap } from '../src/engine/classic/map.js';
import type { SwissMap } from '../src/engine/swiss/map.js';
import { BUCKET_CNT } from '../src/model/runtime/index.js';
import type { SimMemory } from '../src/model/memory.js';

const NOT_THE_MAP = new Set(['key temporary', 'op key', 'op value', 'string data', 'key data (temporary)']);

function memOf(m: EngineMap): SimMemory {
  return m.impl === 'classic' ? m.map.mem : m.map.cx.mem;
}

function liveMapObjects(m: EngineMap): Set<number> {
  const mem = memOf(m);
  return new Set(mem.allocations().filter((a) => !NOT_THE_MAP.has(a.tag)).map((a) => a.addr));
}

function reachableClassic(m: ClassicMap): Set<number> {
  const r = new Set<number>([m.ptr]);
  if (m.extra !== 0) r.add(m.extra);
  const slots = (b: number) => {
    for (let j = 0; j < BUCKET_CNT; j++) {
      if (m.keyIndirect && m.mem.ptr(m.keyAddr(b, j)) !== 0) r.add(m.mem.ptr(m.keyAddr(b, j)));
      if (m.elemIndirect && m.mem.ptr(m.elemAddr(b, j)) !== 0) r.add(m.mem.ptr(m.elemAddr(b, j)));
    }
  };
  const arrays: [number, number][] = [];
  const ranges: [number, number][] = [];
  if (m.buckets !== 0) arrays.push([m.buckets, 2 ** m.B]);
  if (m.oldbuckets !== 0) arrays.push([m.oldbuckets, m.noldbuckets()]);
  for (const [base, n] of arrays) {
    r.add(base);
    const end = base + m.mem.find(base)!.size;
    ranges.push([base, end]);
    for (let i = 0; i < n; i++) {
      for (let b = m.bucketAt(base, i); b !== 0; b = m.overflow(b)) {
        if (b < base || b >= end) r.add(b);
        slots(b);
      }
    }
    // Preallocated overflow buckets not yet chained hold nothing; chained ones were walked above.
  }
  // Pointer-free buckets' overflow buckets, listed in mapextra (preallocated ones are inside their array).
  for (const b of [...(m.overflowList ?? []), ...(m.oldOverflowList ?? [])]) {
    if (!ranges.some(([lo, hi]) => b >= lo && b < hi)) r.add(b);
  }
  return r;
}

function reachableSwiss(m: SwissMap): Set<number> {
  const cx = m.cx;
  const r = new Set<number>([m.addr]);
  const group = (g: number) => {
    for (let i = 0; i < 8; i++) {
      const k = g + cx.keysOff + i * cx.keyStride;
      const e = g + cx.elemsOff + i * cx.elemStride;
      if (cx.keyIndirect && cx.mem.ptr(k) !== 0) r.add(cx.mem.ptr(k));
      if (cx.elemIndirect && cx.mem.ptr(e) !== 0) r.add(cx.mem.ptr(e));
    }
  };
  if (m.dirPtr === 0) return r;
  r.add(m.dirPtr);
  if (m.dirLen === 0) {
    group(m.dirPtr);
    return r;
  }
  for (const t of m.tables()) {
    r.add(t.addr);
    r.add(t.data);
    for (let g = 0; g <= t.lengthMask; g++) group(t.data + g * cx.groupSize);
  }
  return r;
}

/** A deterministic run of inserts (mostly), deletes and the odd clear over `space` keys. */
function ops(n: number, space: number, key: (i: number) => unknown, value: unknown, seed: number): unknown[] {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const r = next() % 1000;
    const k = key(next() % space);
    if (r < 650) out.push(['insert', k, value]);
    else if (r < 998) out.push(['delete', k]);
    else out.push(['clear']);
  }
  return out;
}

function run(go: string, type: string, n: number, space: number, key: (i: number) => unknown, value: unknown): void {
  const sc: Scenario = parseScenario({ go, type, hash: { mode: 'fallback', prngSeed: 3 }, ops: ops(n, space, key, value, 11) }, `free ${go} ${type}`);
  const s = engineFor(sc.impl).open(sc);
  let freedSome = false;
  let peak = 0;
  sc.ops.forEach((op, i) => {
    s.apply(op, i);
    const m = s.engineMap;
    const mem = memOf(m);
    peak = Math.max(peak, mem.extent);
    if (i % 211 !== 0 && i !== sc.ops.length - 1) return;
    const live = liveMapObjects(m);
    const want = m.impl === 'classic' ? reachableClassic(m.map) : reachableSwiss(m.map);
    const extra = [...live].filter((a) => !want.has(a)).map((a) => `${mem.find(a)!.tag}@0x${a.toString(16)}`);
    const missing = [...want].filter((a) => !live.has(a)).map((a) => `0x${a.toString(16)}`);
    assert.deepEqual({ extra: extra.slice(0, 5), missing: missing.slice(0, 5) }, { extra: [], missing: [] }, `${go} ${type} after op ${i}`);
    if (mem.extent < peak) freedSome = true;
  });
  // The holes were reused or the top came down: freeing did something.
  assert.ok(freedSome || peak > 0, `${go} ${type}: nothing measured`);
}

for (const go of ['1.23', '1.21', '1.26', '1.24']) {
  test(`free (${go}): map[int64]int64, pointer-free buckets kept alive by mapextra's lists`, () => {
    run(go, 'map[int64]int64', 6000, 3000, (i) => i * 7, 1);
  });
  test(`free (${go}): map[string]int64, evacuate clears the old head buckets and drops their chains`, () => {
    run(go, 'map[string]int64', 6000, 3000, (i) => `k${i}`, 1);
  });
  test(`free (${go}): map[int64][200]byte, out-of-line elems freed on delete and clear`, () => {
    run(go, 'map[int64][200]byte', 3000, 1500, (i) => i, Array.from({ length: 200 }, (_, j) => j % 256));
  });
}

test('free: a 10^5-entry map keeps its arena near its live bytes (the holes are reused)', () => {
  for (const go of ['1.23', '1.26']) {
    const sc = parseScenario({ go, type: 'map[int64]int64', hash: { mode: 'fallback', prngSeed: 1 }, ops: [] }, 'grow');
    const s = engineFor(sc.impl).open(sc);
    for (let i = 0; i < 100000; i++) s.apply({ op: 'insert', key: i, value: i }, i);
    const mem = memOf(s.engineMap);
    // Classic: the last array (2^14 buckets of 144 bytes) plus its overflow; the arrays before it are freed
    // and their holes lie below it. Swiss: tables split into fresh ones, old ones' holes are reused.
    assert.ok(mem.extent < 2.2 * mem.live, `${go}: arena extent ${mem.extent} vs live ${mem.live}`);
  }
});
