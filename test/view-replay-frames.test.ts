/**
 * A Swiss replay reads each frame in the engine's own simulated memory
 * (src/view/replay.ts) instead of rebuilding the engine's snapshot every
 * step, which `view SNAPSHOT` does. That is right only if the engine keeps
 * the whole map in its memory at the runtime's layout: this test holds the
 * two readings equal at every step of scenarios that grow, split, delete
 * (tombstones), clear and grow again, on 64- and 32-bit targets and on Go
 * 1.24 and 1.25 (whose Map has tombstonePossible). What the frames show is
 * tested against `sim --trace` in a browser by view-replay.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../src/engine/index.js';
import { parseScenario } from '../src/engine/scenario.js';
import { snapshotSource } from '../src/check/index.js';
import { sourceView } from '../src/view/memory.js';
import { replayView } from '../src/view/replay.js';
import type { MemoryView } from '../src/view/data.js';

function ops(): unknown[] {
  const out: unknown[] = [];
  for (let i = 1; i <= 1200; i++) out.push(['insert', i * 7919, i]);
  for (let i = 1; i <= 1200; i += 3) out.push(['delete', i * 7919]);
  for (let i = 1; i <= 200; i++) out.push(['insert', -i, i]);
  out.push(['clear']);
  for (let i = 1; i <= 40; i++) out.push(['insert', i, i]);
  return out;
}

/**
 * What a frame draws, without where it came from. The one known difference: a Swiss snapshot does not record
 * Map.clearSeq (docs/json.md "sim (Swiss snapshot)"), so after a clear the rebuilt map shows 0 where the engine's
 * memory holds the runtime's count of clears.
 */
const drawn = (v: MemoryView) => JSON.stringify({ ...v, source: '', header: v.header.filter(([k]) => k !== 'clearSeq') });

for (const [go, arch] of [['1.24', 'amd64'], ['1.25', '386'], ['1.25', 'arm64']]) {
  test(`Swiss replay (Go ${go} ${arch}): every step read in the engine's memory equals its snapshot rebuilt`, () => {
    const sc = parseScenario({ go, arch, type: 'map[int64]int64', ops: ops() }, 'frames.json');
    const session = engineFor(sc.impl).open(sc);
    const em = session.engineMap;
    assert.equal(em.impl, 'swiss');
    let steps = 0;
    const compare = (step: number) => {
      // Every 25th step and the last few: each a full check and walk both ways.
      if (step % 25 !== 0 && step < sc.ops.length - 3) return;
      const rebuilt = snapshotSource(JSON.parse(JSON.stringify(session.snapshot())), `step ${step}`);
      const own = { ...rebuilt, reader: em.map.cx.mem, addr: BigInt(em.map.addr) };
      assert.equal(drawn(sourceView(own, { origin: 'x' })), drawn(sourceView(rebuilt, { origin: 'x' })), `step ${step}`);
      steps++;
    };
    compare(0);
    sc.ops.forEach((op, i) => {
      session.apply(op, i);
      compare(i + 1);
    });
    assert.ok(steps > 60);
  });
}

test('a Swiss replay\'s last frame is the map `view SNAPSHOT` draws from the same scenario\'s snapshot', () => {
  const sc = parseScenario({ go: '1.24', arch: 'amd64', type: 'map[int64]int64', ops: ops().slice(0, 1500) }, 'frames.json');
  const r = replayView(sc, 'frames.json');
  // Rebuild the last frame: the last whole frame, then the diffs after it.
  let base = r.frames.length - 1;
  while (!('full' in r.frames[base])) base--;
  const full = (r.frames[base] as { full: MemoryView }).full;
  const snap = engineFor(sc.impl).simulate(sc).snapshot;
  const want = sourceView(snapshotSource(JSON.parse(JSON.stringify(snap)), 'frames.json'), { origin: 'x' });
  const states = full.states.split('');
  for (const fr of r.frames.slice(base + 1)) for (const [i, s] of (fr as { readonly diff: readonly (readonly [number, string, ...unknown[]])[] }).diff) states[i] = s;
  assert.equal(states.join(''), want.states);
  const last = r.frames[r.frames.length - 1];
  assert.deepEqual('full' in last ? last.full.findings : last.findings, want.findings);
  assert.equal('full' in last ? last.full.count : last.count, want.count);
});
