/**
 * No false alarms: every map the real Go runtime printed (Go 1.24–1.27;
 * amd64, 386, arm64, arm, s390x, ppc64; AES and fallback hashes; final
 * states and maps.Clone results) rebuilt in memory and checked has no
 * finding. Real Go says these maps are intact: its own lookups found every
 * key (the recorder's scenarios look keys up) and the process did not fault.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSwiss, swissSnapshotSource, SWISS_INVARIANTS } from '../src/check/swiss/index.js';
import { realSnapshots } from './support/swisscheck.js';

const snaps = realSnapshots();

test('the real fixtures are all there (1375 final states and the clone lines)', () => {
  assert.ok(snaps.length >= 1375, `${snaps.length} real snapshots`);
  const gos = new Set(snaps.map((s) => String(s.json.go)));
  assert.deepEqual([...gos].sort(), ['1.24', '1.25', '1.26', '1.27']);
});

test('every real-runtime Swiss snapshot checks clean', () => {
  const bad: string[] = [];
  let keysChecked = 0;
  for (const s of snaps) {
    const src = swissSnapshotSource(s.json, s.name);
    const r = checkSwiss(src);
    keysChecked += r.count;
    if (r.findings.length) bad.push(`${s.name}: ${r.findings.slice(0, 3).map((f) => `${f.code} ${f.location.text}: ${f.message}`).join('; ')}`);
    assert.deepEqual(r.unchecked, [], s.name);
  }
  assert.deepEqual(bad, []);
  assert.ok(keysChecked > 100000, `${keysChecked} live keys checked`);
});

test('the catalogue: stable, unique swiss/ codes with titles', () => {
  const codes = SWISS_INVARIANTS.map((i) => i.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const i of SWISS_INVARIANTS) {
    assert.match(i.code, /^swiss\/[a-z0-9-]+$/);
    assert.equal(i.impl, 'swiss');
    assert.ok(i.title.length > 10);
  }
});
