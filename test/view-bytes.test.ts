/**
 * Bytes by kind for maps read from memory (src/footprint/source.ts, the
 * statistics of `view SNAPSHOT|--core|--pid`), against the real runtime:
 * gosrc/footprint grows a map in a real process and measures
 * MemStats.HeapAlloc after GC minus its baseline (test/support/footprint.ts),
 * printing its hash seed and keys. The same keys under the same seed give the
 * engine's snapshot of that map (`sim --json`), which is read back as `view`
 * reads any snapshot; its total must be the real process's bytes, to 1 KiB
 * (the runtime's own bookkeeping noise, as test/footprint-live.test.ts holds
 * the engine's own count) below 10^4 entries and 0.5% from there.
 *
 * Classic (Go 1.22, 1.23) and Swiss (Go 1.24, 1.26), int64 keys, string
 * keys (pointerful buckets) and 160-byte elems (stored out of line).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPES, runFootprint, type ProbeType } from './support/footprint.js';
import { parseScenario } from '../src/engine/scenario.js';
import { engineFor } from '../src/engine/index.js';
import { keyMaker, sourceBytes } from '../src/footprint/index.js';
import { snapshotSource } from '../src/check/index.js';

const SIZES = [1000, 10_000];

function snapshotBytes(go: string, arch: string, type: ProbeType, seed: string, hashkey: string[], n: number): number {
  const probe = parseScenario({ go, arch, type: TYPES[type], ops: [] }, 'probe');
  const keys = keyMaker(probe.type.key, probe.arch);
  const ops = Array.from({ length: n }, (_, i) => ['insert', keys.key(i), type === 'big' ? Array.from({ length: 20 }, () => 0) : 0]);
  const sc = parseScenario({ go, arch, type: TYPES[type], hash: { mode: 'fallback', seeds: [seed], hashkey }, ops }, 'bytes.json');
  const snap = engineFor(sc.impl).simulate(sc).snapshot;
  const b = sourceBytes(snapshotSource(JSON.parse(JSON.stringify(snap)), 'bytes.json'));
  assert.ok(typeof b !== 'string', String(b));
  return b.total;
}

for (const go of ['1.22', '1.23', '1.24', '1.26']) {
  for (const type of Object.keys(TYPES) as ProbeType[]) {
    test(`bytes by kind read from a snapshot's memory: ${TYPES[type]} go${go}/amd64 equals the real runtime's heap bytes`, () => {
      const real = runFootprint(go, 'amd64', type, SIZES);
      for (const p of real.points) {
        const got = snapshotBytes(go, 'amd64', type, real.seed, real.hashkey, p.entries);
        const bar = p.entries >= 10_000 ? p.bytes * 0.005 : 1024;
        assert.ok(Math.abs(got - p.bytes) <= bar, `${p.entries} entries: read ${got} bytes, real ${p.bytes} (allowed ${bar})`);
      }
    });
  }
}
