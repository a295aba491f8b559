/**
 * The release differences the engine models are visible in the real
 * runtime's snapshots (so the byte-for-byte tests exercise them), and the
 * engine reproduces them only with the right release's rules: replaying a
 * real run under another release's rules diverges.
 * Facts (from the runtime's source, cited in src/engine/swiss/rules.ts and
 * src/engine/swiss/clear.ts): a full small map converts on update in 1.24–1.26, not 1.27;
 * fast paths prune tombstones from 1.25, the generic path never; Clear of an
 * emptied map holding tombstones is a no-op in 1.24 only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SCENARIOS, fixtureName, readFixture, simulateLike } from './support/swisssnap.js';
import type { SwissSnapshot } from '../src/engine/swiss/index.js';

const real = (name: string, go: string, arch = 'amd64', mode: 'fallback' | 'aes' = 'fallback'): [string, SwissSnapshot] => {
  const [, snap] = readFixture(fixtureName(join(SCENARIOS, name + '.json'), go, arch, mode));
  return [snap, JSON.parse(snap) as SwissSnapshot];
};
const tombstones = (s: SwissSnapshot) => s.tables.reduce((n, t) => n + t.groups.reduce((m, g) => m + g.ctrl.filter((c) => c === 0xfe).length, 0), 0);

test('a full small map converts on update in 1.24-1.26, stays small in 1.27', () => {
  for (const go of ['1.24', '1.25', '1.26']) assert.equal(real('int64-small-full-update', go)[1].header.dirLen, 1, go);
  assert.equal(real('int64-small-full-update', '1.27')[1].header.dirLen, 0);
  // The 1.26 run replayed with 1.27's rule does not give 1.26's map.
  const [text, snap] = real('int64-small-full-update', '1.26');
  const as127 = JSON.parse(simulateLike(join(SCENARIOS, 'int64-small-full-update.json'), '1.27', 'amd64', 'fallback', text)) as SwissSnapshot;
  assert.equal(as127.header.dirLen, 0);
  assert.notDeepEqual({ ...as127, go: snap.go }, snap);
});

test('tombstone pruning: the fast paths prune from 1.25, the generic path never', () => {
  // Whether a run prunes depends on its hashes (its seed), so the claim is
  // over the churn scenarios together, on the amd64 runs of both hash modes:
  // replaying each real 1.25+ run with 1.24's rules (no pruning) must
  // diverge for at least one of them. (The
  // generic path's "never" is what the byte-for-byte tests of the
  // [3]byte, struct and float churn scenarios check on 1.25-1.27.)
  // FIFO churn only inserts new keys, so 1.27's small-map rule plays no part.
  const churn = ['int64-fifo-churn-12', 'int64-fifo-churn-100', 'int64-fifo-churn-850', 'string-fifo-churn', 'int32-fill-churn'];
  for (const go of ['1.25', '1.26', '1.27']) {
    const diverged = churn.flatMap((name) => (['fallback', 'aes'] as const).map((mode) => [name, mode] as const)).filter(([name, mode]) => {
      const [text, snap] = real(name, go, 'amd64', mode);
      // Everything but the release named in the snapshot.
      return simulateLike(join(SCENARIOS, name + '.json'), '1.24', 'amd64', mode, text) !== JSON.stringify({ ...snap, go: '1.24' });
    });
    assert.ok(diverged.length > 0, `no ${go} churn run needed pruning`);
  }
});

test('clear of an emptied map with tombstones: kept in 1.24, cleared from 1.25', () => {
  // 896 keys in a 1024-slot table leave many full groups; deleting them all
  // leaves tombstones in those groups, and used == 0.
  assert.ok(tombstones(real('int64-clear-emptied-full', '1.24')[1]) > 0);
  for (const go of ['1.25', '1.26', '1.27']) assert.equal(tombstones(real('int64-clear-emptied-full', go)[1]), 0, go);
});
