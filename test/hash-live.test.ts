/**
 * Live differential test: rebuild gosrc/hashprobe with real toolchains (one
 * before the 1.23 fallback change, one after the 1.27 move of the hash code
 * into internal/runtime/maps), run it on amd64 natively and on arm64 under
 * qemu-aarch64, with AES hashing on and off, and recompute every value with
 * src/hash. The key material is fresh in every run, so this checks the code
 * on inputs the committed fixtures never saw.
 *
 * A missing toolchain or emulator fails the test (never a silent skip).
 * The four probes are built once per change of gosrc/hashprobe
 * (test/support/gobuild.ts); a cold cache first compiles the standard
 * library for each toolchain/arch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorFor } from './support/toolchains.js';
import { goBuild } from './support/gobuild.js';
import { checkProbe, type ProbeReport } from './support/hashprobe.js';
import { goMinor } from '../src/hash/index.js';

const probeDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'gosrc', 'hashprobe');

function build(version: string, goarch: string): string {
  // Go 1.23 made the linker refuse go:linkname pulls of runtime internals.
  const flags = goMinor(version) >= 23 ? ['-ldflags=-checklinkname=0'] : [];
  return goBuild({ go: version, src: probeDir, goarch, flags, name: 'hashprobe' });
}

function run(bin: string, goarch: string, aesOff: boolean): ProbeReport {
  const emu = emulatorFor(goarch);
  const env = { ...process.env, GODEBUG: aesOff ? 'cpu.aes=off' : '' };
  const stdout = emu
    ? execFileSync(emu, [bin], { env, maxBuffer: 64 << 20 })
    : execFileSync(bin, [], { env, maxBuffer: 64 << 20 });
  return JSON.parse(stdout.toString('utf8')) as ProbeReport;
}

for (const version of ['1.22', '1.27']) {
  for (const goarch of ['amd64', 'arm64']) {
    test(`live: Go ${version} ${goarch}, AES on and off, recomputed by src/hash`, { timeout: 600_000 }, () => {
      const bin = build(version, goarch);
      for (const aesOff of [true, false]) {
        const r = run(bin, goarch, aesOff);
        assert.equal(r.goarch, goarch);
        assert.ok(r.goVersion.startsWith(`go${version}`), r.goVersion);
        // Both hosts offer AES (amd64 natively; qemu-aarch64's default CPU has FEAT_AES).
        assert.equal(r.useAeshash, !aesOff, `useAeshash with GODEBUG=${aesOff ? 'cpu.aes=off' : ''}`);
        const { checked, failures } = checkProbe(r);
        assert.ok(checked > 1900, `only ${checked} values checked`);
        assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${checked} values differ`);
      }
    });
  }
}
