/**
 * The core reader feeding the checkers: every map reachable from the globals
 * of real cores (map elements followed through classicEntries/swissEntries)
 * is found where the program said it was, and checks clean — real Go says
 * those maps are intact, mid-growth one included. Then a few corruptions of a
 * real core's memory, each with its hand-derived code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openCore, type GoProcess } from '../../src/source/process/index.js';
import { checkClassic, classicEntries } from '../../src/check/classic/index.js';
import { checkSwiss, swissEntries } from '../../src/check/swiss/index.js';
import type { MapSource } from '../../src/check/types.js';
import { implOf } from '../../src/layout/index.js';
import { encodeUint } from '../../src/model/memory.js';
import { realCore, type CoreSpec } from '../support/cores.js';
import { PatchedMemory } from '../support/patch.js';

const SPECS: CoreSpec[] = [
  { go: '1.19', arch: 'amd64', how: 'crash' },
  { go: '1.26', arch: 'arm', how: 'crash' },
  { go: '1.22', arch: 'amd64', how: 'crash' },
  { go: '1.22', arch: 'arm64', how: 'crash' },
  { go: '1.24', arch: 'amd64', how: 'crash' },
  { go: '1.26', arch: 'amd64', how: 'gcore' },
  { go: '1.26', arch: 'arm64', how: 'crash' },
  { go: '1.26', arch: '386', how: 'crash' },
  { go: '1.27', arch: 'amd64', how: 'crash' },
  { go: '1.27', arch: 'arm64', how: 'crash' },
];

function tools(p: GoProcess) {
  return implOf(p.target) === 'swiss' ? { check: checkSwiss, entries: swissEntries } : { check: checkClassic, entries: classicEntries };
}

async function open(spec: CoreSpec) {
  const c = await realCore(spec);
  return { ...c, p: openCore(c.core, readFileSync(c.core), c.exe, readFileSync(c.exe)) };
}

for (const spec of SPECS) {
  test(`core ${spec.go} ${spec.arch} ${spec.how}: every global map (elements of maps included) is found and checks clean`, async () => {
    const { p, truth } = await open(spec);
    const { check, entries } = tools(p);
    const maps = p.globalMaps({ entries, all: true });
    // The maps inside main.nested, by key, at the addresses the program printed.
    assert.deepEqual(
      maps.filter((m) => m.name.startsWith('main.nested[')).map((m) => [m.name, `0x${m.addr.toString(16)}`]),
      truth.maps.filter((m) => m.name.startsWith('main.nested[')).map((m) => [m.name, m.addr]),
    );
    for (const t of truth.maps) assert.ok(maps.some((m) => m.name === t.name), `${t.name} found`);
    for (const m of maps) {
      const r = check(m);
      assert.deepEqual(r.findings, [], `${m.name} (${r.type}) checks clean`);
      assert.equal(r.count, truth.maps.find((t) => t.name === m.name)?.len ?? r.count, `${m.name}: count`);
      // The key material was found, so every hash invariant ran on the program's maps.
      if (m.name.startsWith('main.')) assert.deepEqual(r.unchecked, [], `${m.name}: nothing unchecked`);
    }
  });
}

function patched(m: MapSource, at: bigint, bytes: Uint8Array): MapSource {
  return { ...m, reader: new PatchedMemory(m.reader).patch(at, bytes) };
}

function codes(r: { findings: { code: string }[] }): string[] {
  return [...new Set(r.findings.map((f) => f.code))].sort();
}

test('core 1.22 amd64 (classic): corruptions of real memory give their codes', async () => {
  const { p } = await open({ go: '1.22', arch: 'amd64', how: 'crash' });
  const small = p.mapByName('main.small');
  // hmap.count (word 0) 5 → 6: the header claims one more live entry than the 5 full slots.
  assert.deepEqual(codes(checkClassic(patched(small, small.addr, encodeUint(6n, 8, false)))), ['classic/count']);
  // hmap.flags (byte 8) gets hashWriting (4) and nothing else: the map was caught mid-write.
  assert.deepEqual(codes(checkClassic(patched(small, small.addr + 8n, Uint8Array.of(4)))), ['classic/writing']);
  // hmap.B (byte 9) = 200: 2^200 buckets exceed any allocation; nothing past the header can be trusted.
  const strs = p.mapByName('main.strs');
  assert.deepEqual(codes(checkClassic(patched(strs, strs.addr + 9n, Uint8Array.of(200)))), ['classic/b']);
});

test('core 1.26 amd64 (Swiss): corruptions of real memory give their codes', async () => {
  const { p } = await open({ go: '1.26', arch: 'amd64', how: 'crash' });
  const small = p.mapByName('main.small');
  // maps.Map.used (word 0) 5 → 6 on a small map (one group, 5 full slots).
  assert.deepEqual(codes(checkSwiss(patched(small, small.addr, encodeUint(6n, 8, false)))), ['swiss/used']);
  // maps.Map.dirLen (word 3) of main.big (5000 entries, globalDepth 3: 8 directory entries) set to 3:
  // dirLen ≠ 1 << globalDepth, and the 3 entries still read reach only some tables, so the full
  // slots found fall short of used.
  const big = p.mapByName('main.big');
  assert.deepEqual(codes(checkSwiss(patched(big, big.addr + 24n, encodeUint(3n, 8, false)))), ['swiss/dir-len', 'swiss/used']);
});
