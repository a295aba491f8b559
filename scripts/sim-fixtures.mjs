#!/usr/bin/env node
// Runs every base scenario (test/fixtures/sim-classic/scenarios) on a real Go
// map through a built mapsnap probe and records, per target, the replayable
// scenario's randomness (the seeds and hash keys the runtime used, and how many
// operations ran) in <target>/replays.json, and the runtime's snapshot
// (gzipped, byte for byte as the probe printed it). A replayable scenario is
// the base scenario + go/arch/experiment + that hash + the first `ops` ops
// (test/support/simfixtures.ts builds it).
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
let failed = 0;
const replaysFile = join(outDir, 'replays.json');
let replays = {};
try {
  replays = JSON.parse(readFileSync(replaysFile, 'utf8'));
} catch {
  replays = {};
}
for (const name of names) {
  const sc = JSON.parse(readFileSync(join(base, `${name}.json`), 'utf8'));
  const run = { ...sc, go, arch, ...(exp ? { experiment: exp } : {}) };
  const tmp = join(tmpdir(), `mapsnap-${process.pid}-${name}.json`);
  writeFileSync(tmp, JSON.stringify(run));
  const env = { ...process.env, GODEBUG: mode === 'fallback' ? 'cpu.aes=off' : '' };
  const cmd = emulator ? [emulator, [probe, tmp]] : [probe, [tmp]];
  const r = spawnSync(cmd[0], cmd[1], { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${name}: probe failed: ${r.stderr.trim()}`);
    failed++;
    continue;
  }
  const snap = JSON.parse(r.stdout);
  if (snap.hash.mode !== mode) {
    console.error(`${name}: asked for ${mode} hashing, the runtime used ${snap.hash.mode}`);
    failed++;
    continue;
  }
  const m = /ops-executed (\d+)/.exec(r.stderr);
  const iterations = [...r.stderr.matchAll(/^mapsnap: iterate (.*)$/gm)].map((x) => JSON.parse(x[1]));
  replays[name] = { hash: snap.hash, ops: m ? Number(m[1]) : sc.ops.length, ...(iterations.length ? { iterations } : {}) };
  writeFileSync(join(outDir, `${name}.snapshot.json.gz`), gzipSync(r.stdout, { level: 9 }));
}
const sorted = Object.fromEntries(Object.keys(replays).sort().map((k) => [k, replays[k]]));
writeFileSync(replaysFile, JSON.stringify(sorted, null, 1) + '\n');
console.error(`${outDir}: ${names.length - failed}/${names.length} recorded`);
process.exit(failed ? 1 : 0);
