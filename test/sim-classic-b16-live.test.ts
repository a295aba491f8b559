/**
 * Classic maps past B = 16 against the real runtime. From B = 16 the
 * runtime's incrnoverflow counts one in 2^(B-15) overflow buckets by a
 * per-thread coin no process exposes; the engine flips hash.rand's generator
 * instead and marks the fields that depend on it (randDependent). Everything
 * else must equal the real map byte for byte: gosrc/mapsnap grows
 * map[int64]int64 to 1M and 3M entries on Go 1.22 and 1.24 (noswissmap), on
 * amd64 and on arm64 under qemu-user, and the engine replays each run with
 * the seed and hash keys it printed. The marked field, noverflow, is held to
 * the runtime's bounds instead: below 2^15 (else a same-size grow would have
 * started) and at most the overflow buckets the current array has chained.
 *
 * A real run takes minutes under qemu-user and prints up to 290 MB, so
 * test/fixtures/b16 keeps each run's digest (test/support/b16.ts): what it
 * drew, its header and the SHA-256 of its snapshot, made by
 * scripts/b16-fixtures.sh from real runs. The engine's snapshot is compared
 * with that digest on every run. When mapsnap or a toolchain changed since,
 * the digest's build key no longer matches and the test makes the real run
 * itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../src/engine/scenario.js';
import { simulate } from '../src/engine/classic/index.js';
import { BLOCK, B16_CASES, caseName, comparable, overflowChained, realFor, scenarioOf, textDigest } from './support/b16.js';

for (const c of B16_CASES) {
  const name = caseName(c);
  test(`B ≥ 16 live: ${name}: real map = engine except hash.rand's fields`, { timeout: 1_800_000 }, (t) => {
    const { digest: real, text: realText, stale } = realFor(c);
    if (stale) t.diagnostic(stale);
    assert.ok(real.B >= 16, `the real map has B=${real.B}`);
    assert.equal(real.count, c.entries, 'the real map holds every entry');
    const sc = parseScenario({ ...scenarioOf(c), hash: real.hash }, name);
    const engine = simulate(sc).snapshot;
    assert.deepEqual(engine.randDependent, ['header.noverflow'], 'the engine marks noverflow as drawn from hash.rand');
    assert.ok(engine.hash.rand !== undefined, 'the engine prints hash.rand');
    for (const [who, noverflow, chained] of [['real', real.noverflow, real.overflowChained], ['engine', engine.header.noverflow, overflowChained(engine)]] as const) {
      const limit = Math.min(2 ** 15 - 1, chained);
      assert.ok(noverflow <= limit, `${who} noverflow ${noverflow} outside 0..${limit}`);
    }
    const a = comparable(engine);
    const mine = textDigest(a);
    if (mine.sha256 === real.sha256) return;
    if (realText !== undefined) {
      let i = 0;
      while (i < a.length && a[i] === realText[i]) i++;
      assert.fail(`${name}: engine and real snapshots differ at character ${i}: engine …${a.slice(Math.max(0, i - 80), i + 80)}… real …${realText.slice(Math.max(0, i - 80), i + 80)}…`);
    }
    let b = 0;
    while (b < mine.blocks.length && mine.blocks[b] === real.blocks[b]) b++;
    const at = b * BLOCK;
    assert.fail(`${name}: the engine's snapshot (${a.length} characters) differs from the real run's (${real.chars}) in characters ${at}..${at + BLOCK}; ` +
      `engine there: …${a.slice(at, at + 160)}… (scripts/b16-fixtures.sh keeps the real output under $MAPSCOPE_CACHE/outputs to compare in full)`);
  });
}
