/**
 * `disasm --sites` on a whole stripped executable, end to end as a user runs
 * it (a fresh `node bin/mapscope.js` process: start-up, WebAssembly load,
 * pclntab, decoding, data flow, type naming, JSON out):
 * `node dist/bench/disasm.js FILE [RUNS]`.
 *
 * Baseline, timed in the same run: GNU objdump -d of the same file (it decodes
 * every instruction of the binary; mapscope decodes only the functions that
 * call map code, then runs data flow over them: different work, the nearest
 * standard tool). Prints wall-clock medians, mapscope's peak RSS (from
 * /usr/bin/time), the ratio, and the machine. Never fails on times.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
if (!file) {
  console.error('usage: node dist/bench/disasm.js FILE [RUNS]');
  process.exit(2);
}
const runs = Number(process.argv[3] ?? 3);
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'mapscope.js');

/** Wall time, CPU time (user + system, from /usr/bin/time: on a loaded machine the wall time is mostly waiting) and peak RSS. */
function timed(cmd: string, args: string[]): { ms: number; cpuMs: number; rssMB: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const [kb, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms, cpuMs: (user + sys) * 1000, rssMB: kb / 1024, out: r.stdout };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours: { ms: number; cpuMs: number; rssMB: number }[] = [];
const base: { ms: number; cpuMs: number }[] = [];
const load0 = loadavg()[0];
let sites = 0;
let types = 0;
for (let i = 0; i < runs; i++) {
  const r = timed(process.execPath, [cli, 'disasm', file, '--sites', '--json']);
  const j = JSON.parse(r.out) as { sites: unknown[]; summary: unknown[] };
  sites = j.sites.length;
  types = j.summary.length;
  ours.push(r);
  base.push(timed('objdump', ['-d', '--no-show-raw-insn', file]));
}
const m = median(ours.map((o) => o.ms));
const b = median(base.map((x) => x.ms));
const mc = median(ours.map((o) => o.cpuMs));
const bc = median(base.map((x) => x.cpuMs));
console.log(`${file}: ${sites} map call sites, ${types} map types`);
console.log(`mapscope disasm --sites: median ${m.toFixed(0)} ms over ${runs} runs (min ${Math.min(...ours.map((o) => o.ms)).toFixed(0)} ms), peak RSS ${Math.max(...ours.map((o) => o.rssMB)).toFixed(0)} MB`);
console.log(`mapscope CPU (user + sys): median ${mc.toFixed(0)} ms`);
console.log(`baseline GNU objdump -d (whole binary): median ${b.toFixed(0)} ms wall, ${bc.toFixed(0)} ms CPU; ratio mapscope/objdump ${(m / b).toFixed(2)} wall, ${(mc / bc).toFixed(2)} CPU`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average (1 min) ${load0.toFixed(1)} before the runs, ${loadavg()[0].toFixed(1)} after`);
