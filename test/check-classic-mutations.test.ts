/**
 * Every classic invariant caught: for each code of CLASSIC_INVARIANTS, a
 * mutation of a real-runtime snapshot (test/fixtures/sim-classic — an intact
 * map, see check-classic.test.ts) that breaks exactly that invariant, applied
 * on every recorded target (Go 1.19–1.24 noswissmap × amd64/arm64/386/arm/
 * s390x × AES/fallback), and the exact set of codes the checker must report.
 *
 * Mutations act on the snapshot JSON (a moved key, a flipped tophash, a
 * changed header field) or on the rebuilt memory (an overflow word pointing
 * elsewhere: a loop, a shared bucket, an unmapped or misaligned address),
 * because the JSON has no pointers. Beside each one, the derivation by hand of
 * why exactly that invariant breaks and no other; where a second one breaks
 * unavoidably it is in `expect` too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASSIC_INVARIANTS, checkClassic, classicSnapshotSource } from '../src/check/classic/index.js';
import { rebuilt } from '../src/source/snapshot/classic.js';
import { MUTATIONS, type Snap } from './support/classicmutations.js';
import { targets, loadSnapshot, snapshotNames, codes } from './support/checkclassic.js';

const all = targets();

// Snapshots cannot hold interface keys (no dynamic types): key-comparable is mutated on real cores
// in test/check-iface-keys.test.ts (a key's type word pointed at []int's descriptor).
const ON_CORES_ONLY = ['classic/key-comparable'];

test('the mutation suite covers every code of the catalogue', () => {
  const covered = new Set([...MUTATIONS.map((m) => m.code), ...ON_CORES_ONLY]);
  assert.deepEqual([...covered].sort(), CLASSIC_INVARIANTS.map((i) => i.code).sort());
  for (const m of MUTATIONS) assert.ok(m.expect.includes(m.code), `${m.name}: expects its own code`);
});

for (const m of MUTATIONS) {
  test(`mutation ${m.code}: ${m.name} — on every target`, () => {
    const applied: string[] = [];
    const bad: string[] = [];
    for (const t of all) {
      // The named candidates first, then any snapshot of the target where the precondition holds.
      for (const name of [...m.fixtures, ...snapshotNames(t).filter((n) => !m.fixtures.includes(n))]) {
        const j = loadSnapshot(t, name) as unknown as Snap;
        if (m.json && !m.json(j)) continue;
        const src = classicSnapshotSource(j, `${t}/${name}`);
        if (m.mem && !m.mem(rebuilt.get(src)!, j)) continue;
        const r = checkClassic(src);
        const got = codes(r);
        if (JSON.stringify(got) !== JSON.stringify([...m.expect].sort())) {
          bad.push(`${t}/${name}: got ${JSON.stringify(got)}: ${r.findings.slice(0, 4).map((f) => `${f.code} ${f.message}`).join('; ')}`);
        }
        // Every finding is located for people and machines, and says what was expected and found.
        for (const f of r.findings) {
          assert.ok(f.location.text && f.message && f.found !== undefined && f.expected !== undefined);
          assert.equal(f.location.address, undefined, 'snapshot addresses are synthetic');
        }
        applied.push(t);
        break;
      }
    }
    assert.deepEqual(bad, []);
    const missing = all.filter((t) => !applied.includes(t));
    // Every target has a fixture where the precondition holds.
    assert.deepEqual(missing, [], `not applicable on ${missing.join(', ')}`);
  });
}
