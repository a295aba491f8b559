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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryError, decodeUint, type MemoryReader } from '../src/model/memory.js';
import { archByName, type Arch } from '../src/model/arch.js';
import { parseType } from '../src/model/typeparse.js';
import type { MapType } from '../src/model/types.js';
import { target as layoutTarget, layoutOf, type SwissLayout } from '../src/layout/index.js';
import { checkSwiss, swissEntries } from '../src/check/swiss/index.js';
import type { MapSource } from '../src/check/types.js';
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

interface Meta { go: string; arch: string; useAeshash: boolean; hashkey: string[]; aeskeysched: string }

function run(bin: string, goarch: string, mode: string, scenario: string): [Meta, { type: string; header: { used: number } }, { map: string; regions: [string, string][] }] {
  const emu = goarch === 'arm64' ? emulatorFor(goarch) : null;
  const env = { ...process.env };
  if (mode === 'fallback') env.GODEBUG = 'cpu.aes=off';
  else delete env.GODEBUG;
  const out = execFileSync(emu ?? bin, emu ? [bin, '-mem', scenario] : ['-mem', scenario], { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString().trim().split('\n');
  return [JSON.parse(out[0]) as Meta, JSON.parse(out[1]), JSON.parse(out[out.length - 1])];
}

test('live: real Go maps read from their real memory check clean', { timeout: 300_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), 'check-swiss-live-'));
  try {
    let maps = 0;
    let keys = 0;
    let flipped = 0;
    for (const [go, goarch, mode] of TARGETS) {
      const bin = buildSwisssnap(go, goarch, work);
      const bad: string[] = [];
      for (const f of scenarioFiles()) {
        const [meta, snap, mem] = run(bin, goarch, mode, f);
        assert.equal(meta.useAeshash, mode === 'aes');
        const arch = archByName(meta.arch);
        const reader = new RegionReader(arch, mem.regions);
        const src: MapSource = {
          name: f,
          reader,
          addr: BigInt(mem.map),
          type: parseType(snap.type) as MapType,
          target: layoutTarget(go, meta.arch),
          hash: { aes: meta.useAeshash, keys: { hashkey: meta.hashkey.map(BigInt), aeskeysched: Uint8Array.from(meta.aeskeysched.match(/../g)!, (x) => parseInt(x, 16)) } },
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
    }
    t.diagnostic(`${maps} real maps, ${keys} live keys, ${flipped} small maps with a flipped H2`);
    assert.ok(maps >= 4 * 50 && keys > 20000 && flipped >= 20, `${maps} maps, ${keys} keys, ${flipped} small maps mutated`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
