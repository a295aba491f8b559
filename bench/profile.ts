/**
 * `npm run bench -- profile`: `mapscope profile` on a 100 MB CPU profile and
 * `mapscope gctrace` on a 1M-line log, wall time and peak RSS of the whole
 * command (GNU time), against a named baseline measured in the same run:
 *
 *   - profile: `go tool pprof -top` of the same Go toolchain on the same
 *     file (pprof's own reading of every sample, flat and cum per function);
 *   - gctrace: Node's readline counting the lines that start `gc ` in the
 *     same log (reading and splitting the lines in the same runtime, no
 *     parsing: the floor).
 *
 * Inputs, made here from real output:
 *   - the profile: a CPU profile gosrc/mapcost writes under go1.26 (real
 *     stacks, locations and functions), its samples repeated with a numeric
 *     pprof label per copy (as pprof.Do labels make each request's samples
 *     distinct in a real service) until the protobuf is 100 MB; written both
 *     raw and gzipped, both measured;
 *   - the log: the gctrace lines of test/fixtures/gctrace (real runs of
 *     go1.19–1.27), renumbered and re-timed so cycles follow each other, with
 *     a line of program output between every tenth cycle, to 1,000,000
 *     gctrace lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Label, Profile, Sample } from 'pprof-format';
import { buildMapcost, runMapcost } from '../test/support/mapcost.js';
import { goroot } from '../test/support/toolchains.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', '..', 'bin', 'mapscope.js');
const FIXTURES = path.join(here, '..', '..', 'test', 'fixtures', 'gctrace');
const tmp = mkdtempSync(path.join(tmpdir(), 'mapscope-bench-profile-'));
const PROFILE_BYTES = 100 * 1000 * 1000;
const LOG_CYCLES = 1_000_000;

function bigProfile(): { raw: string; gz: string; samples: number } {
  const src = path.join(tmp, 'real.pb.gz');
  runMapcost(buildMapcost('1.26'), ['-rounds', '600', '-forced', '0', '-cpuprofile', src]);
  const p = Profile.decode(gunzipSync(readFileSync(src)));
  const key = p.stringTable.dedup('request');
  const real = p.sample;
  const one = real.reduce((a, s) => a + new Sample({ ...s, label: [new Label({ key, num: 1_000_000 })] }).encode().length + 4, 0);
  let copies = Math.ceil(PROFILE_BYTES / one);
  let bytes: Uint8Array;
  let out: Sample[];
  // The estimate per copy is rough (varint widths grow with the label number): grow until the file is 100 MB.
  for (;;) {
    out = [];
    for (let k = 0; k < copies; k++) for (const s of real) out.push(new Sample({ locationId: s.locationId, value: s.value, label: [new Label({ key, num: k + 1 })] }));
    p.sample = out;
    bytes = p.encode();
    if (bytes.length >= PROFILE_BYTES) break;
    copies = Math.ceil((copies * PROFILE_BYTES) / bytes.length) + 1;
  }
  const raw = path.join(tmp, 'big.pb');
  const gz = path.join(tmp, 'big.pb.gz');
  writeFileSync(raw, bytes);
  writeFileSync(gz, gzipSync(bytes, { level: 1 }));
  return { raw, gz, samples: out.length };
}

async function bigLog(): Promise<string> {
  const real: string[] = [];
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.log')).sort()) {
    for (const l of readFileSync(path.join(FIXTURES, f), 'utf8').split('\n')) if (/^gc \d+ @/.test(l)) real.push(l);
  }
  const file = path.join(tmp, 'big.log');
  const w = createWriteStream(file);
  let atMs = 0;
  let chunk: string[] = [];
  for (let i = 0; i < LOG_CYCLES; i++) {
    const l = real[i % real.length];
    atMs += 7 + (i % 13);
    chunk.push(l.replace(/^gc \d+ @\d+\.\d+s/, `gc ${i + 1} @${(atMs / 1000).toFixed(3)}s`));
    if (i % 10 === 9) chunk.push(`2026/12/07 12:00:00 served request ${i}: 200 OK`);
    if (chunk.length >= 10_000) {
      if (!w.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => w.once('drain', () => r()));
      chunk = [];
    }
  }
  w.write(chunk.join('\n') + (chunk.length ? '\n' : ''));
  await new Promise<void>((r) => w.end(() => r()));
  return file;
}

interface Cost {
  /** Wall seconds. */
  s: number;
  /** CPU seconds (user + system): what the work costs when the machine is shared. */
  cpu: number;
  /** Peak RSS, MB. */
  mb: number;
}

/** Wall and CPU seconds and peak RSS of a command, by GNU time. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Cost {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 28, stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /(\d+\.\d+) (\d+\.\d+) (\d+\.\d+) (\d+)\s*$/.exec(r.stderr);
  if (!m || (r.status !== 0 && r.status !== 1)) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-400)}`);
  return { s: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), mb: Number(m[4]) / 1024 };
}

const fmt = (c: Cost) => `${c.s.toFixed(2).padStart(6)} s wall ${c.cpu.toFixed(2).padStart(6)} s cpu ${c.mb.toFixed(0).padStart(5)} MB`;

function row(what: string, a: Cost, base: Cost, baseName: string) {
  console.log(`${what.padEnd(30)} ${fmt(a)}   ${baseName.padEnd(20)} ${fmt(base)}   cpu ratio ${base.cpu > 0 ? (a.cpu / base.cpu).toFixed(2) : '-'}`);
}

try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average before ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const prof = bigProfile();
  const log = await bigLog();
  console.log(`inputs: ${(statSync(prof.raw).size / 1e6).toFixed(1)} MB profile.proto (${prof.samples} samples; gzipped ${(statSync(prof.gz).size / 1e6).toFixed(1)} MB), ` +
    `${LOG_CYCLES} gctrace lines (${(statSync(log).size / 1e6).toFixed(1)} MB)`);
  const go = path.join(goroot('1.26'), 'bin', 'go');
  const goEnv = { ...process.env, GOROOT: goroot('1.26'), GOTOOLCHAIN: 'local' };
  for (const f of [prof.raw, prof.gz]) {
    const mine = measure(process.execPath, [CLI, 'profile', f]);
    const base = measure(go, ['tool', 'pprof', '-top', '-nodecount=20', f], goEnv);
    row(`mapscope profile ${path.basename(f)}`, mine, base, 'go tool pprof -top');
  }
  const mine = measure(process.execPath, [CLI, 'gctrace', log]);
  const count = "let n=0;require('readline').createInterface({input:require('fs').createReadStream(process.argv[1])}).on('line',l=>{if(l.startsWith('gc '))n++}).on('close',()=>console.log(n))";
  const base = measure(process.execPath, ['-e', count, log]);
  row('mapscope gctrace big.log', mine, base, 'node readline count');
  console.log(`load average after ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  if (process.env.MAPSCOPE_BENCH_KEEP) console.log(`inputs kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
