#!/usr/bin/env node
// The full-size measured figures of docs/race.md ("Measured on real Go"):
// each scenario of test/fixtures/race run by `mapscope race --measure`'s own
// code (src/race/measure.ts) on each toolchain and GOARCH, its "go" and
// "arch" fields set to the configuration. Prints one JSON line per
// configuration and a markdown table; the machine and load average go with it.
//
//   nice -n 19 node scripts/race-measure-figures.mjs [amd64-runs] [arm64-runs] [scenario:go:arch] > <figures.jsonl>
//
// The third argument measures only the configurations it matches (a part left empty matches all).
//
// Toolchains: $MAPSCOPE_CACHE/go/<v>/bin/go (scripts/go-toolchains.sh); arm64 runs under qemu-aarch64.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureRace } from '../dist/src/race/measure.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.MAPSCOPE_CACHE ?? path.join(homedir(), '.cache', 'mapscope');
const amd64Runs = Number(process.argv[2] ?? 5000);
const arm64Runs = Number(process.argv[3] ?? 1000);
const [onlyScenario, onlyGo, onlyArch] = (process.argv[4] ?? '::').split(':');
const scenarios = ['pair', 'grow', 'burst'];
const configs = [
  ['1.22', 'amd64', amd64Runs], ['1.24', 'amd64', amd64Runs], ['1.26', 'amd64', amd64Runs],
  ['1.22', 'arm64', arm64Runs], ['1.26', 'arm64', arm64Runs],
];
const dir = mkdtempSync(path.join(tmpdir(), 'race-figures-'));
const pct = (x) => `${(100 * x).toFixed(2)}%`;
const rows = [];
process.stderr.write(`machine: ${cpus().length} × ${cpus()[0]?.model}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
for (const name of scenarios) {
  const base = JSON.parse(readFileSync(path.join(repo, 'test', 'fixtures', 'race', `${name}.json`), 'utf8'));
  for (const [go, arch, runs] of configs) {
    if ((onlyScenario && onlyScenario !== name) || (onlyGo && onlyGo !== go) || (onlyArch && onlyArch !== arch)) continue;
    const file = path.join(dir, `${name}-${go}-${arch}.json`);
    writeFileSync(file, JSON.stringify({ ...base, go, arch }));
    const before = loadavg()[0];
    const m = await measureRace({
      scenarioFile: file, goText: go, arch, type: base.type, runs, cores: 10,
      go: path.join(cache, 'go', go, 'bin', 'go'), progress: (l) => process.stderr.write(`${name} ${go} ${arch}: ${l}\n`),
    });
    const load = `${before.toFixed(1)}–${loadavg()[0].toFixed(1)}`;
    console.log(JSON.stringify({ scenario: name, load, ...m }));
    const share = (c) => `${m.outcomes[c]} (${pct(m.shares[c].lo)}–${pct(m.shares[c].hi)})`;
    const coreFindings = m.cores.filter((k) => k.findings.length).length;
    const t = m.timing;
    rows.push(`| ${name} | ${m.go} ${arch}${m.emulator ? ' (qemu)' : ''} | ${runs} | ${share('caught')} | ${share('benign')} | ${share('corrupt')} | ${m.outcomes.hang} | ${t.overlapped} of ${t.clean}, ${t.medianSkewNs} ns | ${m.cores.length} (${coreFindings} broken) | ${m.seconds.toFixed(0)} s, load ${load} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  }
}
console.log('| scenario | toolchain | runs | caught (95% CI) | benign | corrupt | hang | clean runs overlapped, median start spread | cores checked | time, load |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
