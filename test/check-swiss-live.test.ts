/**
 * The checker on real memory: gosrc/swisssnap -mem runs every committed
 * scenario on a real Go map and prints the bytes of every object the final
 * map reaches, at their real addresses (the Map header, the small group or
 * the directory, table headers, groups, indirect keys and elems, string key
 * data). checkSwiss reads them through its own layout model, from the
 * header's real address, with the process's real hash keys, as it reads a
 * core dump: every map must check clean (real Go's lookups found every key),
 * and swissEntries must find `used` entries. A control byte flipped in the
 * real bytes must be reported with its real address.
 *
 * Needs the Go toolchains (test/support/toolchains.ts: fails loudly when
 * one is missing) and qemu-user for arm64.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryError, decodeUint, type MemoryReader } from '../src/model/memory.js';
import { archByName, type Arch } from '../src/model/arch.js';
import { parseType } from '../src/model/typeparse.js';
import type { MapType } from '../src/model/types.js';
import { target as layoutTarget, layoutOf, type SwissLayout } from '../src/layout/index.js';
import { checkSwiss, swissEntries } from '../src/check/swiss/index.js';
import type { MapSource } from '../src/check/types.js';
import { snapshotHash } from '../src/source/snapshot/hash.js';
import { JsonReader } from '../src/source/snapshot/json.js';
import { buildSwisssnap, scenarioFiles } from './support/swisssnap.js';
import { emulatorFor } from './support/toolchains.js';

/** Memory as the dump gives it: regions at addresses; anything else is unmapped. */
class RegionReader implements MemoryReader {
  readonly regions: { addr: bigint; bytes: Uint8Array }[];

  constructor(readonly arch: Arch, list: [string, string][]) {
    this.regions = list.map(([a, h]) => ({ addr: BigInt(a), bytes: Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16)) }));
  }

  read(addr: bigint | number, len: number): Uint8Array {
    const a = BigInt(addr);
    for (const r of this.regions) {
      if (a >= r.addr && a + BigInt(len) <= r.addr + BigInt(r.bytes.length)) {
        const o = Number(a - r.addr);
        return r.bytes.slice(o, o + len);
      }
    }
    throw new MemoryError(a, `0x${a.toString(16)} (+${len}) is not in the dump`);
  }
}

const TARGETS: readonly [string, string, 'fallback' | 'aes'][] = [['1.26', 'amd64', 'fallback'], ['1.24', '386', 'aes'], ['1.27', 'arm64', 'aes'], ['1.25', 'amd64', 'aes']];

interface Snap { arch: string; type: string; hash: { mode: string }; header: { used: number } }

/** The process's hash keys, as the snapshot states them (read by the snapshot source's own reader). */
function hashOf(snap: Snap, file: string): MapSource['hash'] {
  return snapshotHash(new JsonReader(file), snap.hash, archByName(snap.arch), 64);
}

function run(bin: string, goarch: string, mode: string, scenario: string): [Snap, { map: string; regions: [string, string][] }] {
  const emu = goarch === 'arm64' ? emulatorFor(goarch) : null;
  const env = { ...process.env };
  if (mode === 'fallback') env.GODEBUG = 'cpu.aes=off';
  else delete env.GODEBUG;
  const out = execFileSync(emu ?? bin, emu ? [bin, '-mem', scenario] : ['-mem', scenario], { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString().trim().split('\n');
  // Line 1 the run, line 2 the snapshot, the last line the memory.
  return [JSON.parse(out[1]) as Snap, JSON.parse(out[out.length - 1])];
}

/**
 * A directory whose tables do not all have the global depth, in real memory.
 *
 * Hand derivation: a table splits when an insert would take it past 7/8 of
 * its 1024 slots, i.e. past 896 entries. 3590 int64 keys cannot fit in four
 * tables of 896 (3584), so at least one table of a depth-2 directory split
 * and the directory reached depth 3. All four splitting would need each of
 * them to have reached 897 entries, i.e. counts within 897–899 summing to
 * 3590 under a uniform hash: probability about 1e-4. So the real map almost
 * surely holds tables of depth 2 beside tables of depth 3, and it must check
 * clean. Raising one depth-2 table's localDepth to the global depth leaves it
 * filling two directory entries where its depth says one: exactly
 * swiss/directory-span (the directory's pointers, the table's index and every
 * key's placement are untouched).
 */
function partlySplit(bin: string, go: string, goarch: string, mode: 'fallback' | 'aes', work: string): boolean {
  const file = join(work, 'split-3590.json');
  writeFileSync(file, JSON.stringify({ name: 'split-3590', go, arch: goarch, type: 'map[int64]int64', ops: Array.from({ length: 3590 }, (_, i) => ['insert', i, i]) }));
  const [snap, mem] = run(bin, goarch, mode, file);
  const arch = archByName(snap.arch);
  const reader = new RegionReader(arch, mem.regions);
  const src: MapSource = {
    name: 'split-3590', reader, addr: BigInt(mem.map), type: parseType(snap.type) as MapType, target: layoutTarget(go, snap.arch), hash: hashOf(snap, file),
  };
  const r = checkSwiss(src);
  assert.deepEqual([r.findings, r.unchecked, r.count], [[], [], 3590], `${go} ${goarch}: a 3590-key real map checks clean`);
  // The real bytes: Map.globalDepth, the directory's table pointers, each table's localDepth.
  const L = layoutOf(src.type, src.target) as SwissLayout;
  const M = Object.fromEntries(L.headers.Map.fields.map((x) => [x.name, x.offset]));
  const T = Object.fromEntries(L.headers.table.fields.map((x) => [x.name, x.offset]));
  const W = arch.ptrSize;
  const word = (a: bigint) => decodeUint(reader.read(a, W), arch.bigEndian);
  const globalDepth = reader.read(src.addr + BigInt(M.globalDepth), 1)[0];
  const dirLen = Number(word(src.addr + BigInt(M.dirLen)));
  const dir = word(src.addr + BigInt(M.dirPtr));
  const tables = [...new Set(Array.from({ length: dirLen }, (_, i) => word(dir + BigInt(i * W))))];
  const shallow = tables.find((tb) => reader.read(tb + BigInt(T.localDepth), 1)[0] < globalDepth);
  if (shallow === undefined) return false;
  const region = reader.regions.find((g) => shallow + BigInt(T.localDepth) >= g.addr && shallow + BigInt(T.localDepth) < g.addr + BigInt(g.bytes.length))!;
  region.bytes[Number(shallow + BigInt(T.localDepth) - region.addr)] = globalDepth;
  assert.deepEqual([...new Set(checkSwiss(src).findings.map((f) => f.code))], ['swiss/directory-span'], `${go} ${goarch}: a raised localDepth`);
  return true;
}

test('live: real Go maps read from their real memory check clean', { timeout: 300_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), 'check-swiss-live-'));
  try {
    let maps = 0;
    let keys = 0;
    let flipped = 0;
    let split = 0;
    for (const [go, goarch, mode] of TARGETS) {
      const bin = buildSwisssnap(go, goarch);
      const bad: string[] = [];
      for (const f of scenarioFiles()) {
        const [snap, mem] = run(bin, goarch, mode, f);
        assert.equal(snap.hash.mode, mode);
        const arch = archByName(snap.arch);
        const reader = new RegionReader(arch, mem.regions);
        const src: MapSource = {
          name: f,
          reader,
          addr: BigInt(mem.map),
          type: parseType(snap.type) as MapType,
          target: layoutTarget(go, snap.arch),
          hash: hashOf(snap, f),
        };
        const r = checkSwiss(src);
        if (r.findings.length || r.unchecked.length) bad.push(`${f}: ${JSON.stringify([...r.findings.slice(0, 2), ...r.unchecked])}`);
        assert.equal(r.count, snap.header.used, f);
        assert.equal(r.address, mem.map);
        assert.equal(swissEntries(src, 1 << 20).length, snap.header.used, f);
        maps++;
        keys += r.count;
        // A flipped H2 in the real bytes of a small map's group: reported at
        // the real address of that control byte.
        const L = layoutOf(src.type, src.target) as SwissLayout;
        const M = Object.fromEntries(L.headers.Map.fields.map((x) => [x.name, x.offset]));
        const hb = reader.read(src.addr, L.headers.Map.size);
        const word = (o: number) => decodeUint(hb.subarray(o, o + arch.ptrSize), arch.bigEndian);
        const dirLen = word(M.dirLen);
        const dirPtr = word(M.dirPtr);
        const region = reader.regions.find((g) => g.addr === dirPtr);
        const c0 = L.group.ctrlByteOfSlot[0];
        if (dirLen === 0n && region && (region.bytes[c0] & 0x80) === 0) {
          region.bytes[c0] ^= 1;
          const found = checkSwiss(src).findings;
          assert.deepEqual(found.map((x) => x.code), ['swiss/h2'], f);
          assert.equal(found[0].location.address, '0x' + (dirPtr + BigInt(c0)).toString(16), f);
          flipped++;
        }
      }
      assert.deepEqual(bad, [], `${go} ${goarch} ${mode}`);
      if (partlySplit(bin, go, goarch, mode, work)) split++;
    }
    // Each target's run has a partly split directory with probability above 0.999 (see partlySplit);
    // all four missing it would be a broken derivation, not bad luck.
    assert.ok(split >= 1, 'no real map with a partly split directory on any target');
    t.diagnostic(`${split}/${TARGETS.length} targets had a partly split directory in real memory; it checked clean and its mutation was caught`);
    t.diagnostic(`${maps} real maps, ${keys} live keys, ${flipped} small maps with a flipped H2`);
    assert.ok(maps >= 4 * 50 && keys > 20000 && flipped >= 20, `${maps} maps, ${keys} keys, ${flipped} small maps mutated`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
