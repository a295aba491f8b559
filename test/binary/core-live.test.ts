/**
 * A live Go process read through /proc/N/mem: frozen with SIGSTOP while read,
 * resumed after; the maps, header words and key material must be what the
 * program printed about itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLive } from '../../src/source/process/index.js';
import { procState } from '../../src/source/process/live.js';
import { InputError } from '../../src/base/errors.js';
import { MemoryError } from '../../src/model/memory.js';
import { liveProbe } from '../support/cores.js';
import { checkClassic, classicEntries } from '../../src/check/classic/index.js';
import { checkSwiss, swissEntries } from '../../src/check/swiss/index.js';
import { implOf } from '../../src/layout/index.js';
import { checkAgainstTruth } from '../support/coretruth.js';

for (const go of ['1.22', '1.26']) {
  test(`live ${go} amd64: frozen read matches the program's truth, then resumes`, async () => {
    const probe = await liveProbe(go);
    try {
      const p = openLive(probe.pid, { freeze: true });
      try {
        assert.equal(p.frozen, true);
        assert.match(procState(probe.pid), /^[Tt]$/, 'stopped while read');
        checkAgainstTruth(p, probe.truth, `live ${go}`);
        // A frozen live process checks clean, map elements followed.
        const swiss = implOf(p.target) === 'swiss';
        const maps = p.globalMaps({ entries: swiss ? swissEntries : classicEntries });
        assert.equal(maps.length, probe.truth.maps.length);
        for (const m of maps) assert.deepEqual((swiss ? checkSwiss(m) : checkClassic(m)).findings, [], `live ${go}: ${m.name} checks clean`);
      } finally {
        p.resume();
        p.close();
      }
      // SIGCONT: the process runs again (sleeping on its stdin).
      for (let i = 0; i < 200 && /^[Tt]$/.test(procState(probe.pid)); i++) await new Promise((r) => setTimeout(r, 5));
      assert.doesNotMatch(procState(probe.pid), /^[Tt]$/, 'resumed');
      // Unfrozen reads work too (the program is idle).
      const q = openLive(probe.pid, { freeze: false });
      assert.equal(q.frozen, false);
      assert.equal(q.globalMaps({}).length, probe.truth.maps.filter((m) => !m.name.includes('["')).length);
      q.close();
    } finally {
      await probe.stop();
    }
  });
}

test('live: a pid that does not exist is an InputError', () => {
  assert.throws(() => openLive(2 ** 22 + 12345, { freeze: true }), (e: unknown) => e instanceof InputError && /no such process/.test(e.message));
  assert.throws(() => openLive(-1, { freeze: false }), InputError);
});

test('live: a process that is not Go is an InputError', () => {
  // This test runner is node, not a Go program.
  assert.throws(() => openLive(process.pid, { freeze: false }), (e: unknown) => e instanceof InputError && /not a Go executable/.test(e.message));
});

test('live: an address outside every mapping is a MemoryError from the reader and an InputError from mapAt', async () => {
  const probe = await liveProbe('1.26');
  try {
    const p = openLive(probe.pid, { freeze: true });
    try {
      assert.throws(() => p.reader.read(0x10n, 8), (e: unknown) => e instanceof MemoryError && /not in a readable mapping/.test(e.message));
      assert.throws(() => p.mapAt(0x10n, 'map[int]int'), (e: unknown) => e instanceof InputError && /pid \d+: address 0x10/.test(e.message));
    } finally {
      p.resume();
      p.close();
    }
  } finally {
    await probe.stop();
  }
});
