/**
 * Compares a GoProcess (from a core or a live process) with what
 * gosrc/coreprobe printed about itself: shared by the core and live tests and
 * usable by the CLI's end-to-end tests.
 */
import assert from 'node:assert/strict';
import type { GoProcess } from '../../src/source/process/index.js';
import { decodeUint } from '../../src/model/memory.js';
import { typeString } from '../../src/model/types.js';
import type { CoreTruth } from './cores.js';

/** Maps the walker must find without following map elements: every truth map but nested["…"]. */
export function globalTruth(t: CoreTruth) {
  return t.maps.filter((m) => !m.name.includes('["'));
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function checkAgainstTruth(p: GoProcess, truth: CoreTruth, label: string): void {
  assert.equal(p.goVersion, truth.go, `${label}: Go version`);
  assert.equal(p.target.arch.name, truth.goarch, `${label}: GOARCH`);
  assert.equal(`go${p.target.go.major}.${p.target.go.minor}.${p.target.go.patch}`, truth.go.split(' ')[0], `${label}: layout target`);
  // Key material: what the process itself read through go:linkname.
  assert.ok(p.hash, `${label}: hash key material found`);
  assert.equal(p.hash.aes, truth.useAeshash, `${label}: useAeshash`);
  assert.deepEqual(p.hash.keys.hashkey.map((k) => `0x${k.toString(16)}`), truth.hashkey, `${label}: hashkey`);
  assert.equal(hex(p.hash.keys.aeskeysched), truth.aeskeysched, `${label}: aeskeysched`);
  // Every global map, at the address the program printed, and nothing else.
  const found = p.globalMaps({});
  assert.deepEqual(
    found.map((m) => [m.name, `0x${m.addr.toString(16)}`]).sort(),
    globalTruth(truth).map((m) => [m.name, m.addr]).sort(),
    `${label}: global maps and their header addresses`,
  );
  const W = p.target.arch.ptrSize;
  for (const m of truth.maps) {
    // The header's words read through the core equal the program's own unsafe reads (count/used first).
    const raw = p.reader.read(BigInt(m.addr), 6 * W);
    const words = [0, 1, 2, 3, 4, 5].map((i) => `0x${decodeUint(raw.subarray(i * W, (i + 1) * W), false).toString(16)}`);
    assert.deepEqual(words, m.hdr, `${label}: ${m.name} header words`);
    assert.equal(Number(BigInt(m.hdr[0])), m.len, `${label}: ${m.name} len is the header's first word`);
  }
  // Types come from DWARF, named types included.
  const byName = new Map(found.map((m) => [m.name, m]));
  assert.equal(typeString(byName.get('main.points')?.type ?? { kind: 'bool' }), 'map[main.Point]int');
  assert.equal(typeString(byName.get('main.nested')?.type ?? { kind: 'bool' }), 'map[string]map[int]int');
  assert.equal(typeString(byName.get('main.cfg.ByID')?.type ?? { kind: 'bool' }), 'map[int64]string');
  // By name: a global, and a path inside one.
  assert.equal(p.mapByName('main.big').addr, BigInt(truth.maps.find((m) => m.name === 'main.big')?.addr ?? 0));
  assert.equal(p.mapByName('main.holder.M').addr, BigInt(truth.maps.find((m) => m.name === 'main.holder.M')?.addr ?? 0));
  assert.equal(p.mapByName('main.list[2]').addr, BigInt(truth.maps.find((m) => m.name === 'main.list[2]')?.addr ?? 0));
  // Behind interfaces: a map in an empty interface, through a pointer in one, in a struct value copied
  // into one (not pointer-shaped), and behind a non-empty interface (error).
  for (const n of ['main.boxed.(map[string]int)', 'main.boxedCfg.(*main.Cfg).ByID', 'main.boxedVal.(main.Holder).M', 'main.status.(*main.mapError).Codes']) {
    assert.equal(`0x${p.mapByName(n).addr.toString(16)}`, truth.maps.find((m) => m.name === n)?.addr, `${label}: ${n}`);
  }
}

