/**
 * checkSwiss / swissSnapshotSource / swissEntries beyond the catalogue:
 * what is left unchecked and why, locations and addresses, the findings
 * cap, input errors naming the JSON path, snapshots `mapscope sim` writes,
 * and the entries the global walker follows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SimMemory } from '../src/model/memory.js';
import { parseType } from '../src/model/typeparse.js';
import type { MapType } from '../src/model/types.js';
import { target as layoutTarget } from '../src/layout/index.js';
import { decodeValue } from '../src/model/values.js';
import { InputError } from '../src/base/errors.js';
import { parseScenario } from '../src/engine/scenario.js';
import { simulateSwiss } from '../src/engine/swiss/index.js';
import { checkSwiss, swissEntries, swissSnapshotSource } from '../src/check/swiss/index.js';
import { LIMITS } from '../src/check/types.js';
import { SCENARIOS } from './support/swisssnap.js';
import { realSnapshot } from './support/swisscheck.js';
import { readFileSync } from 'node:fs';

function real(name: string): Record<string, unknown> & { header: Record<string, unknown>; tables: { groups: { ctrl: number[]; keys: unknown[] }[] }[]; hash: Record<string, unknown> } {
  return realSnapshot(name) as never;
}

const HASH_CODES = ['swiss/h2', 'swiss/probe', 'swiss/directory-placement'];

test('without key material the hash invariants are listed as unchecked, the rest still run', () => {
  const j = real('int64-splits-1900.go1.26-amd64-fallback');
  delete (j as Record<string, unknown>).hash;
  j.tables[0].groups[0].ctrl[j.tables[0].groups[0].ctrl.findIndex((c) => c < 0x80)] ^= 1; // an H2 now wrong: not seen
  (j.tables[1] as unknown as { used: number }).used++; // seen
  const r = checkSwiss(swissSnapshotSource(j, 'nohash.json'));
  assert.deepEqual(r.unchecked.map((u) => u.code), HASH_CODES);
  assert.match(r.unchecked[0].reason, /key material/);
  assert.deepEqual(r.findings.map((f) => f.code), ['swiss/table-used']);
});

test('wrong key material: every H2 mismatches (the H2 check really uses the process keys)', () => {
  // Negative control: the fallback hash with another runtime.hashkey gives
  // other hashes, so nearly every slot's H2 disagrees (1 in 128 agrees by chance).
  const j = real('int64-splits-1900.go1.26-amd64-fallback');
  j.hash = { mode: 'fallback', seeds: j.hash.seeds, hashkey: ['1', '2', '3', '4'] };
  const r = checkSwiss(swissSnapshotSource(j, 'wrongkeys.json'));
  const h2 = r.findings.filter((f) => f.code === 'swiss/h2');
  assert.equal(h2.length, LIMITS.maxFindingsPerCode, 'capped');
  // The rest are a count, never a made-up finding (issue 12).
  const more = r.omitted.find((o) => o.code === 'swiss/h2');
  assert.ok(more, 'the findings past the limit are counted');
  const total = h2.length + more.count;
  assert.ok(total > 1850 && total <= 1900, `${total} of 1900 keys mismatched`);
});

test('key material of the wrong size: the hash invariants are unchecked, with the reason', () => {
  const src = swissSnapshotSource(real('int64-splits-1900.go1.26-amd64-aes'), 'x');
  const r = checkSwiss({ ...src, hash: { aes: true, keys: { hashkey: [0n, 0n, 0n, 0n], aeskeysched: new Uint8Array(16) } } });
  assert.deepEqual(r.unchecked.map((u) => u.code), HASH_CODES);
  assert.match(r.unchecked[0].reason, /aeskeysched has 16 bytes/);
  assert.deepEqual(r.findings, []);
});

test('interface keys: hash and duplicate checks listed as unchecked', () => {
  const type = parseType('map[any]int') as MapType;
  const t = layoutTarget('1.26', 'amd64');
  const mem = new SimMemory(t.arch);
  const addr = mem.alloc(48, 'maps.Map'); // an empty map: everything zero
  const r = checkSwiss({ name: 'm', reader: mem, addr: BigInt(addr), type, target: t, hash: { aes: false, keys: { hashkey: [1n, 2n, 3n, 4n], aeskeysched: new Uint8Array(128) } } });
  assert.deepEqual(r.unchecked.map((u) => u.code), [...HASH_CODES, 'swiss/duplicate']);
  assert.match(r.unchecked[0].reason, /interfaces/);
  assert.deepEqual(r.findings, []);
  assert.equal(r.impl, 'swiss');
  assert.equal(r.address, '0x' + addr.toString(16));
});

test('locations: text and structured fields; addresses only for real memory', () => {
  const j = real('int64-splits-1900.go1.27-amd64-fallback');
  const g = j.tables[2].groups[5];
  const slot = g.ctrl.findIndex((c) => c < 0x80);
  g.ctrl[slot] ^= 1;
  const src = swissSnapshotSource(j, 'loc.json');
  const [f] = checkSwiss(src).findings;
  assert.equal(f.code, 'swiss/h2');
  assert.equal(f.severity, 'error');
  assert.equal(f.location.text, `table 2 (directory[2]) group 5 slot ${slot}`);
  // The slot's key, as the real Go program's snapshot recorded it (issue 12: slot findings name their key).
  const { home, ...rest } = f.location;
  assert.deepEqual({ ...rest, text: undefined }, { text: undefined, table: 2, directoryIndex: 2, group: 5, slot, key: String(g.keys[slot]) });
  // Its home, by hand: the real runtime put the key in table 2, the table of directory[2] alone (every table of
  // this map spans one entry), so hash >> globalShift = 2. An insert (no deletes here) puts a key in the first
  // group of its probe sequence (offsets p, p+1, p+3, … mod the group count) that has an empty slot; a group only
  // fills up, so a key sits past its probe start only when that start and the groups after it were full then and
  // are full now: a group that no probe from a now-full group reaches holds only keys that started there.
  const groups = j.tables[2].groups;
  const mask = groups.length - 1;
  const full = (x: { ctrl: number[] }) => x.ctrl.every((c) => c < 0x80);
  let reached = false;
  groups.forEach((x, p) => {
    for (let i = 1, off = p; full(x) && i <= mask; i++) {
      off = (off + i) & mask;
      if (off === 5) reached = true;
      if (!full(groups[off])) break;
    }
  });
  assert.ok(!reached, 'group 5 is where its keys\' probes start');
  assert.deepEqual({ ...home, text: undefined }, { text: undefined, table: 2, directoryIndex: 2, group: 5 });
  assert.match(home!.text, /^table 2 group 5 /);
  assert.equal(f.found, '0x' + g.ctrl[slot].toString(16).padStart(2, '0'));
  const r = checkSwiss({ ...src, syntheticAddresses: false });
  assert.match(r.findings[0].location.address ?? '', /^0x[0-9a-f]+$/);
  assert.match(r.address, /^0x[0-9a-f]+$/);
  assert.equal(checkSwiss(src).address, '');
});

test('input errors name the JSON path', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free edits of parsed JSON
  const cases: [(j: Record<string, any>) => void, string, RegExp][] = [
    [(j) => { j.tables[0].groups[1].ctrl[2] = 300; }, 'tables[0].groups[1].ctrl[2]', /out of range/],
    [(j) => { j.tables[0].groups[1].keys[2] = 'x'; }, 'tables[0].groups[1].keys[2]', /integer/],
    [(j) => { j.tables[0].groups[1].ctrl.pop(); }, 'tables[0].groups[1].ctrl', /expected 8 entries, got 7/],
    [(j) => { j.header.extra = 1; }, 'header.extra', /unknown field/],
    [(j) => { delete j.header.seed; }, 'header.seed', /missing/],
    [(j) => { j.go = '1.23'; }, 'go', /classic/],
    [(j) => { j.go = '1.24'; j.experiment = 'noswissmap'; }, 'go', /classic/],
    [(j) => { j.arch = 'vax'; }, 'arch', /./],
    [(j) => { j.type = 'map[int64]'; }, 'type', /./],
    [(j) => { j.type = '[]int'; }, 'type', /not a map/],
    [(j) => { j.impl = 'classic'; }, 'impl', /swiss/],
    [(j) => { j.hash = { mode: 'aes', seeds: j.hash.seeds, aeskeysched: '00' }; }, 'hash.aeskeysched', /128 bytes/],
    [(j) => { j.hash = { mode: 'fallback', seeds: j.hash.seeds }; }, 'hash.hashkey', /missing/],
    // One reading of `hash` for both snapshot formats (docs/json.md): seeds are required, the key material
    // is the mode's alone, and aeskeysched is exactly hashRandomBytes (runtime/alg.go: PtrSize/4*64 = 128 on amd64).
    [(j) => { delete j.hash.seeds; }, 'hash.seeds', /missing/],
    [(j) => { j.hash = { mode: 'aes', seeds: j.hash.seeds, aeskeysched: '00'.repeat(129) }; }, 'hash.aeskeysched', /128 bytes/],
    [(j) => { j.hash.aeskeysched = '00'.repeat(128); }, 'hash.aeskeysched', /only with mode "aes"/],
    [(j) => { j.hash.hashkey = [1, 2, 3, 4]; }, 'hash.hashkey[0]', /expected a string/],
    [(j) => { j.directory = [0, 1, 2]; }, 'directory', /dirLen/],
    [(j) => { j.directory = [0, 1, 2, 9]; }, 'directory[3]', /out of range/],
    [(j) => { j.directory = [0, 1, 2, 2]; }, 'tables[3]', /no directory entry/],
    [(j) => { j.small = j.tables[0].groups[0]; }, 'small', /directory/],
    [(j) => { j.header.tombstonePossible = 'yes'; }, 'header.tombstonePossible', /true or false/],
  ];
  for (const [mutate, where, detail] of cases) {
    const j = real('int64-splits-1900.go1.26-amd64-fallback');
    mutate(j);
    assert.throws(() => swissSnapshotSource(j, 'bad.json'), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.source, 'bad.json');
      assert.equal(e.where, where, e.message);
      assert.match(e.detail, detail, e.message);
      return true;
    });
  }
  const s390 = real('int64-set.go1.26-s390x-fallback');
  s390.hash = { mode: 'aes', seeds: s390.hash.seeds, aeskeysched: '00'.repeat(128) };
  assert.throws(() => swissSnapshotSource(s390, 'bad.json'), (e: unknown) => e instanceof InputError && e.where === 'hash.mode' && /no AES/.test(e.detail));
});

test('snapshots mapscope sim writes check alone and clean (with go, arch, hash in them)', () => {
  for (const [name, go, arch, mode] of [['string-random-mix', '1.24', 'amd64', 'aes'], ['int64-splits-1900', '1.27', '386', 'fallback'], ['indirect-key', '1.26', 's390x', 'fallback'], ['int64-small-delete-reinsert', '1.25', 'arm64', 'aes']]) {
    const sc = JSON.parse(readFileSync(join(SCENARIOS, `${name}.json`), 'utf8')) as Record<string, unknown>;
    const snap = simulateSwiss(parseScenario({ ...sc, go, arch, hash: { mode, prngSeed: 99 } }, name));
    const text = JSON.parse(JSON.stringify(snap)) as unknown;
    const r = checkSwiss(swissSnapshotSource(text, `${name}.json`));
    assert.deepEqual(r.findings, [], name);
    assert.deepEqual(r.unchecked, [], name);
    assert.equal(r.count, snap.header.used);
  }
});

test('swissEntries: the live keys and elems, indirect ones dereferenced, within the limit', () => {
  for (const name of ['string-fill-12.go1.26-amd64-fallback', 'indirect-key.go1.27-arm64-aes', 'int64-small-delete-reinsert.go1.24-386-fallback']) {
    const j = real(name);
    const src = swissSnapshotSource(j, name);
    const e = swissEntries(src, 1 << 20);
    assert.equal(e.length, Number(j.header.used), name);
    // The keys they point at are the snapshot's full-slot keys, in walk order.
    const want = ((j.small ? [j.small] : j.tables.flatMap((t) => t.groups)) as { ctrl: number[]; keys: unknown[] }[])
      .flatMap((g) => g.keys.filter((_, i) => g.ctrl[i] < 0x80));
    assert.deepEqual(e.map((x) => decodeValue(src.reader, src.type.key, Number(x.key))), want, name);
    assert.equal(swissEntries(src, 3).length, Math.min(3, want.length));
  }
  // Corrupt memory: it stops, never throws.
  const src = swissSnapshotSource(real('int64-splits-1900.go1.26-amd64-fallback'), 'x');
  (src.reader as SimMemory).setPtr(Number(src.addr) + 16, 0x10);
  assert.deepEqual(swissEntries(src, 100), []);
});
