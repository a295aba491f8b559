#!/usr/bin/env node
// Runs every base scenario (test/fixtures/sim-classic/scenarios) on a real Go
// map through a built mapsnap probe and keeps, per target, what the probe
// printed for each scenario, byte for byte and gzipped, as
// <target>/<scenario>.jsonl.gz: line 1 the run (how many operations ran,
// each range's order), line 2 the snapshot with the seeds and hash keys the
// runtime used (docs/json.md, "Real-Go snapshot fixtures"). The replayable
// scenario is the base scenario + the snapshot's go/arch/experiment/hash +
// the first `ops` ops (test/support/simfixtures.ts builds it).
//
//   node scripts/sim-fixtures.mjs <probe-binary> <go> <arch> <fallback|aes> [experiment] [scenario names...]
import process from 'node:process';
import console from 'node:console';
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [probe, go, arch, mode, experiment = '', ...only] = process.argv.slice(2);
if (!probe || !go || !arch || !['fallback', 'aes'].includes(mode)) {
  console.error('usage: sim-fixtures.mjs <probe> <go> <arch> <fallback|aes> [experiment] [names...]');
  process.exit(2);
}
const exp = experiment === '-' ? '' : experiment;
const base = join(root, 'test/fixtures/sim-classic/scenarios');
const outDir = join(root, 'test/fixtures/sim-classic', `${go}${exp ? '-' + exp : ''}-${arch}-${mode}`);
mkdirSync(outDir, { recursive: true });
const emulator = { arm64: 'qemu-aarch64', arm: 'qemu-arm', s390x: 'qemu-s390x', ppc64le: 'qemu-ppc64le', riscv64: 'qemu-riscv64' }[arch];
let names = readdirSync(base).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
if (only.length) names = names.filter((n) => only.includes(n));
// A scenario with a stop condition that depends on the seed (malloc-header-b5
// wants 3 overflow buckets in 190 inserts: about one run in ten has fewer)
// is run again, up to this many times, until the condition holds.
const TRIES = 8;
let failed = 0;
for (const name of names) {
  const sc = JSON.parse(readFileSync(join(base, `${name}.json`), 'utf8'));
  const run = { ...sc, go, arch, ...(exp ? { experiment: exp } : {}) };
  const tmp = join(tmpdir(), `mapsnap-${process.pid}-${name}.json`);
  writeFileSync(tmp, JSON.stringify(run));
  const env = { ...process.env, GODEBUG: mode === 'fallback' ? 'cpu.aes=off' : '' };
  const cmd = emulator ? [emulator, [probe, tmp]] : [probe, [tmp]];
  let r;
  for (let i = 0; i < (sc.stop ? TRIES : 1); i++) {
    r = spawnSync(cmd[0], cmd[1], { env, maxBuffer: 1 << 30, encoding: 'utf8' });
    if (r.status === 0 || !/stop condition .* never held/.test(r.stderr)) break;
  }
  if (r.status !== 0) {
    console.error(`${name}: probe failed: ${r.stderr.trim()}`);
    failed++;
    continue;
  }
  const snap = JSON.parse(r.stdout.split('\n')[1]);
  if (snap.hash.mode !== mode) {
    console.error(`${name}: asked for ${mode} hashing, the runtime used ${snap.hash.mode}`);
    failed++;
    continue;
  }
  writeFileSync(join(outDir, `${name}.jsonl.gz`), gzipSync(r.stdout, { level: 9 }));
}
console.error(`${outDir}: ${names.length - failed}/${names.length} recorded`);
process.exit(failed ? 1 : 0);
