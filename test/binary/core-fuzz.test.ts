/**
 * The core reader on corrupt cores: random truncation and byte changes in a
 * real core's ELF header, program headers and notes, and in the memory around
 * its maps. Opening, reading memory and walking globals either succeed, throw
 * InputError (bad file) or MemoryError (unreadable address, which the
 * checkers report as a finding); never another exception, and each run is
 * bounded in time. MAPSCOPE_FUZZ_RUNS raises the run counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { openCoreSource, readCore, CoreMemory, type ByteSource } from '../../src/source/process/index.js';
import { InputError } from '../../src/base/errors.js';
import { ARCHES } from '../../src/model/arch.js';
import { MemoryError } from '../../src/model/memory.js';
import { realCore } from '../support/cores.js';
import { cpuClock } from '../support/cpuclock.js';

const RUNS = Number(process.env.MAPSCOPE_FUZZ_RUNS ?? 150);

interface Patch {
  pos: number;
  val: number;
}

/** The real core with patches applied on read and an optional cut, without copying 40 MB per run. */
function patched(base: Uint8Array, size: number, patches: Patch[]): ByteSource {
  const src: ByteSource = {
    name: 'fuzz.core',
    size,
    read(off, len, what) {
      if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > size) {
        throw new InputError('fuzz.core', Math.max(0, Math.min(off, size)), `${what}: past end`);
      }
      const hit = patches.filter((p) => p.pos >= off && p.pos < off + len);
      if (hit.length === 0) return base.subarray(off, off + len);
      const out = base.slice(off, off + len);
      for (const p of hit) out[p.pos - off] = p.val;
      return out;
    },
  };
  return src;
}

function tolerated(e: unknown): boolean {
  return e instanceof InputError || e instanceof MemoryError;
}

for (const spec of [{ go: '1.22', arch: 'amd64', how: 'crash' }, { go: '1.26', arch: 'arm', how: 'crash' }] as const) test(`fuzz: truncated and corrupted core headers and notes (${spec.arch}): InputError or success, never a crash`, async () => {
  const { core, truth } = await realCore(spec);
  const base = new Uint8Array(readFileSync(core));
  const good = readCore(patched(base, base.length, []));
  const noteEnd = Math.max(...good.notes.map((n) => n.offset + n.desc.length));
  const addrs = truth.maps.map((m) => BigInt(m.addr));
  fc.assert(
    fc.property(
      fc.option(fc.nat({ max: base.length }), { freq: 3 }),
      fc.array(fc.record({ pos: fc.nat({ max: noteEnd - 1 }), val: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 12 }),
      (cut, patches) => {
        const cpuMs = cpuClock();
        try {
          const c = readCore(patched(base, cut ?? base.length, patches));
          const mem = new CoreMemory(ARCHES[spec.arch], c, patched(base, cut ?? base.length, patches), undefined);
          for (const a of addrs) {
            try {
              mem.read(a, 48);
            } catch (e) {
              if (!tolerated(e)) throw e;
            }
          }
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          assert.ok(!e.message.includes('\n'));
        }
        assert.ok(cpuMs() < 2000, `took ${cpuMs().toFixed(0)} ms of CPU`);
      },
    ),
    { numRuns: RUNS, seed: Number(process.env.MAPSCOPE_FUZZ_SEED ?? 5) },
  );
});

test('fuzz: corrupted memory around the maps and globals: the process opens and walks, or fails with an InputError', async () => {
  const { core, exe, truth } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const base = new Uint8Array(readFileSync(core));
  const exeBytes = readFileSync(exe);
  const c = readCore(patched(base, base.length, []));
  // File offsets of the bytes around each map header and of the writable data segments (the globals).
  const spots: number[] = [];
  for (const m of truth.maps) {
    const a = Number(BigInt(m.addr));
    const s = c.segments.find((g) => a >= g.addr && a < g.addr + g.fileSize);
    if (s) for (let i = -64; i < 64; i++) spots.push(s.offset + (a - s.addr) + i);
  }
  for (const s of c.segments.filter((g) => g.write && g.fileSize > 0 && g.addr < 0x1000000)) for (let i = 0; i < Math.min(s.fileSize, 1 << 16); i += 8) spots.push(s.offset + i);
  fc.assert(
    fc.property(
      fc.array(fc.record({ spot: fc.nat({ max: spots.length - 1 }), val: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 40 }),
      (changes) => {
        const cpuMs = cpuClock();
        const patches = changes.map((ch) => ({ pos: spots[ch.spot], val: ch.val }));
        try {
          const p = openCoreSource(patched(base, base.length, patches), exe, exeBytes);
          const maps = p.globalMaps({ entries: (m, limit) => Array.from({ length: Math.min(limit, 3) }, (_, i) => ({ key: m.addr + BigInt(i * 8), elem: m.addr + BigInt(i * 16) })) });
          assert.ok(maps.length <= 10000);
          for (const name of ['main.big', 'main.cfg.ByID', 'main.list[2]']) {
            try {
              p.mapByName(name);
            } catch (e) {
              if (!(e instanceof InputError)) throw e;
            }
          }
        } catch (e) {
          // Unreadable memory never escapes the process: the walk skips it, by-name reports an InputError.
          if (!(e instanceof InputError)) throw e;
        }
        assert.ok(cpuMs() < 5000, `took ${cpuMs().toFixed(0)} ms of CPU`);
      },
    ),
    { numRuns: Math.max(10, RUNS >> 3), seed: Number(process.env.MAPSCOPE_FUZZ_SEED ?? 7) },
  );
});
