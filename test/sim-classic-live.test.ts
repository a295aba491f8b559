/**
 * Live differential test: builds the mapsnap probe (gosrc/mapsnap) with two
 * toolchains for amd64 and one for arm64 (run under qemu-user), runs a few
 * scenarios on real maps with fresh random seeds, both hash modes, and
 * requires the engine's snapshot to equal the runtime's text exactly.
 * Missing toolchains or qemu fail the test (scripts/go-toolchains.sh, scripts/setup.sh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../src/engine/scenario.js';
import { simulate } from '../src/engine/classic/index.js';
import { emulatorFor } from './support/toolchains.js';
import { goBuild } from './support/gobuild.js';
import { FIXTURES, baseScenario } from './support/simfixtures.js';

const probeSrc = join(FIXTURES, '..', '..', '..', 'gosrc', 'mapsnap');
const work = mkdtempSync(join(tmpdir(), 'mapsnap-live-'));

const TARGETS: [go: string, arch: string][] = [['1.23', 'amd64'], ['1.21', 'amd64'], ['1.22', 'arm64']];
const SCENARIOS = ['int64-mid-grow-53', 'string-delete-some', 'clear-mid-grow', 'int32-seq-100', 'struct-key'];

for (const [go, arch] of TARGETS) {
  test(`live: go${go} ${arch} real maps = engine`, { timeout: 180_000 }, () => {
    const emu = emulatorFor(arch);
    const bin = goBuild({ go, src: probeSrc, goarch: arch, flags: Number(go.split('.')[1]) >= 23 ? ['-ldflags=-checklinkname=0'] : [], name: 'mapsnap' });
    // Emulated runs are slow: fewer scenarios there.
    for (const name of emu ? SCENARIOS.slice(0, 3) : SCENARIOS) {
      for (const mode of ['fallback', 'aes']) {
        const base = baseScenario(name);
        const sc = { ...base, go, arch };
        const file = join(work, `${go}-${arch}-${name}.json`);
        writeFileSync(file, JSON.stringify(sc));
        const env = { ...process.env, GODEBUG: mode === 'fallback' ? 'cpu.aes=off' : '' };
        // -indent: the snapshot as `mapscope sim --json` prints it (the committed fixtures are compact).
        const out = emu ? execFileSync(emu, [bin, '-indent', file], { env, encoding: 'utf8' }) : execFileSync(bin, ['-indent', file], { env, encoding: 'utf8' });
        const nl = out.indexOf('\n');
        const real = out.slice(nl + 1).trimEnd();
        const snap = JSON.parse(real);
        assert.equal(snap.hash.mode, mode, `${name}: the runtime used ${snap.hash.mode} hashing`);
        assert.equal(JSON.parse(out.slice(0, nl)).ops, base.ops.length, `${name}: every operation ran`);
        const replay = parseScenario({ go, arch, type: base.type, hint: base.hint, hash: snap.hash, ops: base.ops }, name);
        const got = JSON.stringify(simulate(replay).snapshot, null, 2);
        assert.equal(got, real, `go${go} ${arch} ${mode} ${name}`);
      }
    }
  });
}
