/**
 * The per-map budget of key bytes (src/check/keys.ts KEY_BYTES_PER_MAP): however many
 * long string keys a corrupt map claims, its check reads at most the budget of key data,
 * and the keys past it are left unchecked (said so in the report), never turned into
 * findings. Expected values are hand-derived from the sizes below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHES } from '../src/model/arch.js';
import { parseType } from '../src/model/typeparse.js';
import type { MemoryReader } from '../src/model/memory.js';
import { decodeUint } from '../src/model/memory.js';
import { KEY_BYTES_PER_MAP, KeyBudget, KeyBudgetError, UnresolvedTypeError, keyIdentity } from '../src/check/keys.js';
import { checkMap } from '../src/check/index.js';
import { realCore } from './support/cores.js';
import { MutatedMemory, openCoreSeed } from '../bench/fuzz/targets.js';

/** Memory that reads as zeros everywhere and counts the bytes read in reads of at least `big` bytes. */
class Zeros implements MemoryReader {
  readonly arch = ARCHES.amd64;
  bigBytes = 0;
  constructor(private readonly big = 4096) {}
  read(_addr: bigint | number, len: number): Uint8Array {
    if (len >= this.big) this.bigBytes += len;
    return new Uint8Array(len);
  }
}

function stringHeader(ptr: bigint, len: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, ptr, true);
  dv.setBigUint64(8, BigInt(len), true);
  return b;
}

test('KeyBudget: string keys are read until the budget, then refused unread as unchecked', () => {
  const mem = new Zeros();
  const budget = new KeyBudget(1 << 20);
  const t = parseType('string');
  const len = 400 << 10;
  // 400 KiB + 400 KiB = 800 KiB fit in 1024 KiB; a third would make 1200 KiB.
  assert.ok(keyIdentity(mem, t, stringHeader(0x1000n, len), 0, undefined, 0, budget)?.startsWith(`"#${len}:`));
  assert.ok(keyIdentity(mem, t, stringHeader(0x2000n, len), 0, undefined, 0, budget));
  assert.equal(budget.used, 2 * len);
  assert.throws(() => keyIdentity(mem, t, stringHeader(0x3000n, len), 0, undefined, 0, budget), (e) => e instanceof KeyBudgetError && e instanceof UnresolvedTypeError);
  assert.equal(mem.bigBytes, 2 * len, 'the third key was not read');
  // A short key still fits in what is left (224 KiB).
  assert.equal(keyIdentity(mem, t, stringHeader(0x4000n, 3), 0, undefined, 0, budget), '"000000');
  // Without a budget (sources that are not memory images) nothing is refused.
  assert.ok(keyIdentity(mem, t, stringHeader(0x5000n, len), 0));
});

test('core 1.26 gcore: every key of a map claiming 60 MiB costs at most the per-map budget, the rest unchecked', async () => {
  const c = await realCore({ go: '1.26', arch: 'amd64', how: 'gcore' });
  const seed = openCoreSeed(c.core, c.exe);
  // main.strs: map[string]string of 100 keys (gosrc/coreprobe), so a directory of tables.
  const m = seed.maps.find((x) => x.name === 'main.strs')!;
  assert.ok(m && m.type.kind === 'map' && m.type.key.kind === 'string');
  const core = (seed.p as unknown as { core?: { segments: { addr: number; fileSize: number }[] } }).core;
  const big = (core?.segments ?? []).find((s) => s.fileSize >= 60 << 20);
  assert.ok(big, 'a 60 MiB segment (Go\'s heap arena, zeros in the gcore core)');
  // Go 1.26 amd64 (internal/runtime/maps): Map{used u64, seed, dirPtr @16, dirLen @24, …}; the directory is
  // *table words; table{used, capacity, growthLeft u16, localDepth u8, index int @8, groups{data @16, lengthMask @24}};
  // a group is its control word then 8 slots of key (string, 16) + elem (string, 16).
  const word = (a: bigint) => decodeUint(m.reader.read(a, 8), false);
  const dirLen = word(m.addr + 24n);
  assert.ok(dirLen > 0n, 'a map with a directory');
  const table = word(word(m.addr + 16n));
  const group = word(table + 16n);
  const ctrl = m.reader.read(group, 8);
  const full = [...ctrl].map((b, i) => (b < 0x80 ? i : -1)).filter((i) => i >= 0);
  const dirPtr = group;
  const slotSize = 32;
  // Each full slot's key becomes 60 MiB of the zero region: hashing and identity read it twice, 120 MiB per key,
  // so 256 MiB of budget covers two keys and part of a third; with 3 or more keys some must go unchecked.
  assert.ok(full.length >= 3, `${full.length} full slots`);
  const counted = new (class extends MutatedMemory {
    bigBytes = 0;
    override read(addr: bigint | number, len: number): Uint8Array {
      if (len >= 1 << 20) this.bigBytes += len;
      return super.read(addr, len);
    }
  })(m.reader);
  for (const s of full) {
    const key = dirPtr + 8n + BigInt(s * slotSize);
    counted.patches.push({ addr: key, bytes: new Uint8Array(new BigUint64Array([BigInt(big.addr)]).buffer) }, { addr: key + 8n, bytes: new Uint8Array(new BigUint64Array([60n << 20n]).buffer) });
  }
  const rep = checkMap({ ...m, reader: counted });
  assert.ok(counted.bigBytes <= KEY_BYTES_PER_MAP, `key data read: ${counted.bigBytes >> 20} MiB`);
  const skipped = rep.unchecked.find((u) => u.code === 'swiss/duplicate');
  assert.ok(skipped && /per-map budget/.test(skipped.reason), JSON.stringify(rep.unchecked));
  assert.ok(!rep.findings.some((f) => f.code === 'swiss/unreadable'), 'keys past the budget are not reported unreadable');
});
