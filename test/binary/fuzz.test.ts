/**
 * Hostile input: every parser, fed truncated, mutated and random files, either
 * returns or throws InputError (which the CLI prints as one line, exit 2);
 * never another exception, and always within a bounded time.
 * Seeds are real Go executables built by real toolchains (ELF, PE, Mach-O,
 * 32/64-bit, classic and Swiss maps).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InputError } from '../../src/base/errors.js';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { openObjects } from '../../src/binary/open.js';
import { buildProbe } from '../support/probe.js';
import { cacheDir } from '../support/toolchains.js';
import { cpuClock } from '../support/cpuclock.js';

const RUNS = Number(process.env.MAPSCOPE_FUZZ_RUNS ?? 60);
const seeds = [
  buildProbe({ go: '1.23', goos: 'linux', goarch: 'amd64', variant: 'plain' }),
  buildProbe({ go: '1.24', goos: 'windows', goarch: 'amd64', variant: 'plain' }),
  buildProbe({ go: '1.26', goos: 'darwin', goarch: 'arm64', variant: 'plain' }),
  buildProbe({ go: '1.24', goos: 'linux', goarch: '386', variant: 'plain' }),
  buildProbe({ go: '1.27', goos: 'linux', goarch: 'amd64', variant: 'stripped' }),
  buildProbe({ go: '1.26', goos: 'linux', goarch: 'amd64', variant: 'lldpie' }), // RELA relocations applied

].map((f) => readFileSync(f));

function mustBeInputError(data: Uint8Array): void {
  const cpuMs = cpuClock();
  try {
    inspectBytes('fuzz', data);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    assert.equal(e.source, 'fuzz');
    assert.ok(!e.message.includes('\n'), 'one line');
  }
  assert.ok(cpuMs() < 5000, `took ${cpuMs().toFixed(0)} ms of CPU`);
}

test('truncated real executables: InputError or a result, never a crash', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, frac) => {
      const s = seeds[i];
      mustBeInputError(s.subarray(0, Math.floor(s.length * frac)));
    }),
    { numRuns: RUNS },
  );
});

test('mutated real executables (headers, tables, random places; huge counts and offsets): InputError or a result', () => {
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    edits: fc.array(
      fc.record({
        // Mostly in the first 16 KiB (headers, load commands, section tables), sometimes anywhere.
        where: fc.oneof(fc.integer({ min: 0, max: 16383 }), fc.double({ min: 0, max: 1, noNaN: true })),
        value: fc.oneof(fc.constantFrom(0x00, 0xff, 0x7f, 0x80), fc.integer({ min: 0, max: 255 })),
        width: fc.constantFrom(1, 4, 8),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  });
  fc.assert(
    fc.property(mutation, ({ seed, edits }) => {
      const d = Uint8Array.from(seeds[seed]);
      for (const e of edits) {
        const at = typeof e.where === 'number' && Number.isInteger(e.where) ? e.where : Math.floor(e.where * d.length);
        for (let k = 0; k < e.width && at + k < d.length; k++) d[at + k] = e.value;
      }
      mustBeInputError(d);
    }),
    { numRuns: RUNS },
  );
});

test('random bytes behind each format magic: InputError', () => {
  const magics = [[0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], [0x7f, 0x45, 0x4c, 0x46, 1, 2, 1], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2], [0x4d, 0x5a], []];
  fc.assert(
    fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 4096 }), (m, rest) => {
      const d = new Uint8Array(m.length + rest.length);
      d.set(m);
      d.set(rest, m.length);
      try {
        openObjects('fuzz', d);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
      mustBeInputError(d);
    }),
    { numRuns: RUNS * 4 },
  );
});

test('mutated chained fixups (ibazel 0.28.0 darwin/arm64 from the corpus): InputError or a result, bounded time', () => {
  const file = join(cacheDir(), 'bin', 'ibazel-darwin-arm64-0.28.0', 'ibazel');
  if (!existsSync(file)) assert.fail(`${file} missing: run scripts/real-binaries.sh`);
  const seed = readFileSync(file);
  // Find LC_DYLD_CHAINED_FIXUPS (0x80000034) among the load commands of the 64-bit header.
  const dv = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  let off = 32;
  let blob: [number, number] | undefined;
  for (let i = 0; i < dv.getUint32(16, true); i++) {
    if (dv.getUint32(off, true) === 0x80000034) blob = [dv.getUint32(off + 8, true), dv.getUint32(off + 12, true)];
    off += dv.getUint32(off + 4, true);
  }
  assert.ok(blob, 'ibazel darwin/arm64 has LC_DYLD_CHAINED_FIXUPS');
  const [at, size] = blob;
  fc.assert(
    fc.property(
      fc.array(fc.record({ where: fc.integer({ min: 0, max: size - 1 }), value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80), fc.integer({ min: 0, max: 255 })), width: fc.constantFrom(1, 2, 4) }), { minLength: 1, maxLength: 6 }),
      (edits) => {
        const d = Uint8Array.from(seed);
        for (const e of edits) for (let k = 0; k < e.width && e.where + k < size; k++) d[at + e.where + k] = e.value;
        mustBeInputError(d);
      },
    ),
    { numRuns: RUNS },
  );
});
