/**
 * `node dist/bench/fuzz.js [--cases N] [--targets type,litmus,...] [--out DIR]`
 * (or `npm run fuzz`): a fuzz campaign of every parser of untrusted input
 * (bench/fuzz/targets.ts), default 100000 cases each.
 *
 * Cases run in-process, through the CLI's own main() with captured output
 * (bench/fuzz/targets.ts), so a case costs milliseconds, not a Node start-up.
 * One case in FUZZ_CLI_EVERY (default 500) is replayed as a real process
 * (`node bin/mapscope.js ARGV`) and must agree with the in-process run on the
 * exit code and the first stderr line: the proof that main() in-process is
 * what users run.
 *
 * Each target runs in a worker process with a bounded heap
 * (--max-old-space-size, FUZZ_HEAP_MB, default 1024). The worker reports
 * every case before running it; the supervisor kills a worker that has used
 * FUZZ_HANG_S seconds of CPU (its /proc/PID/stat utime + stime, default
 * 120: twice the slowest bounded case seen, docs/fuzz.md)
 * since its last report (a hang: the case used the CPU), or that has neither
 * reported nor used that much CPU for FUZZ_WALL_S seconds of wall time
 * (default 1800: a stall, blocked or starved; run once more, a fault if it
 * stalls again). A niced worker on a loaded machine gets a small share of a
 * CPU, so wall time alone would take starvation for a hang (docs/fuzz.md).
 * It notes a worker that dies (an out-of-memory crash, exit 134), and
 * restarts from the next case. Figures
 * per target: cases, exit codes, faults by kind with the case to reproduce
 * them, slowest case, peak RSS. Written to DIR/<target>.log (one line per
 * fault, a progress line every 1000 cases) and a summary JSON file in DIR.
 * Run it niced: the machine is shared.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineTarget, cliAgrees, coreTarget, exeTarget, litmusTarget, openCoreSeed, scenarioTarget, scratchDir, snapshotTarget, typeTarget, type Target } from './fuzz/targets.js';

/** Seconds (of CPU, and of wall time) a worker may take to set up before its first case. */
const SETUP_S = 1200;

/** Clock ticks per second of /proc/PID/stat's times: Linux's USER_HZ, 100 (sysconf(_SC_CLK_TCK)). */
const USER_HZ = 100;

/**
 * CPU seconds a process has used, user and system, all its threads (fields 14
 * and 15 of /proc/PID/stat, after the parenthesised command name, which may
 * hold spaces); undefined once it is gone, or where /proc is missing.
 */
export function cpuSeconds(pid: number): number | undefined {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  const t = Number(f[11]) + Number(f[12]);
  return Number.isFinite(t) ? t / USER_HZ : undefined;
}

export const TARGETS = ['type', 'litmus', 'scenario', 'snapshot', 'baseline', 'exe', 'core'] as const;
type Name = (typeof TARGETS)[number];

interface Progress {
  type: 'start' | 'done' | 'end';
  i: number;
  code?: number;
  bad?: string;
  input?: string;
  ms?: number;
  /** CPU time of the case (the worker's process.cpuUsage, all threads). */
  cpuMs?: number;
  rss?: number;
  stderr?: string;
  /** Set when this case was replayed as a real process: '' when it agreed, else how it differed. */
  cli?: string;
}

/** Cores for the core target: real Go 1.22 (classic) and 1.26 (Swiss) crash dumps made by test/support/cores.ts. */
async function coreSeeds() {
  const { realCore } = await import('../test/support/cores.js');
  const out = [];
  for (const go of ['1.22', '1.26']) {
    const c = await realCore({ go, arch: 'amd64', how: 'crash' });
    out.push(openCoreSeed(c.core, c.exe));
  }
  return out;
}

export async function makeTarget(name: Name, dir: string): Promise<Target> {
  switch (name) {
    case 'type':
      return typeTarget;
    case 'litmus':
      return litmusTarget();
    case 'scenario':
      return scenarioTarget();
    case 'snapshot':
      return snapshotTarget();
    case 'baseline':
      return baselineTarget(dir);
    case 'exe':
      return exeTarget();
    case 'core':
      return coreTarget(await coreSeeds());
  }
}

async function worker(name: Name, from: number, to: number): Promise<void> {
  const dir = scratchDir(name);
  const t = await makeTarget(name, dir);
  const cliEvery = Number(process.env.FUZZ_CLI_EVERY ?? 500);
  const send = (m: Progress) => process.send!(m);
  for (let i = from; i < to; i++) {
    send({ type: 'start', i });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const o = await t.run(i, dir);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    // The replay runs before the next case overwrites the input file; its time is not the case's.
    const cli = cliEvery > 0 && i % cliEvery === 0 && o.argv ? (cliAgrees(o, 45_000) ?? '') : undefined;
    // Peak RSS of this process so far (the kernel's high-water mark, so no peak between samples is missed).
    const rss = process.resourceUsage().maxRSS * 1024;
    send({ type: 'done', i, code: o.code, bad: o.bad, input: o.bad || cli ? o.input : undefined, ms, cpuMs, rss, stderr: o.bad ? o.stderr.slice(0, 2000) : undefined, cli });
  }
  rmSync(dir, { recursive: true, force: true });
  // Exit once every report has left: messages still queued on the channel would be lost.
  process.send!({ type: 'end', i: to }, () => process.exit(0));
}

interface Figures {
  target: string;
  cases: number;
  codes: Record<string, number>;
  faults: { kind: string; i: number; input?: string; detail?: string }[];
  /** Cases killed after FUZZ_HANG_S seconds of CPU without a report. */
  hangs: number;
  /** Cases killed after FUZZ_WALL_S seconds of wall time with less CPU than that: run again, a fault if twice. */
  stalls: { i: number; cpuS: number; wallS: number }[];
  crashes: number;
  /** Slowest case by wall time (under load mostly waiting for a CPU), and by its own CPU time. */
  slowestMs: number;
  slowestCase: number;
  slowestCpuMs: number;
  slowestCpuCase: number;
  over1s: number;
  /** Cases that took over 1 s of CPU. */
  over1sCpu: number;
  peakRssMB: number;
  seconds: number;
  /** Cases replayed as a real process, and how many of those disagreed with the in-process run. */
  cliChecked: number;
  cliDiffer: number;
  /** Load averages (1, 5, 15 min) when the campaign started and ended: the machine is shared. */
  loadStart: number[];
  loadEnd: number[];
}

function campaign(name: Name, cases: number, out: string, heapMB: number, hangS: number, wallS: number): Promise<Figures> {
  const log = join(out, `${name}.log`);
  writeFileSync(log, `# fuzz ${name}: ${cases} cases, heap ${heapMB} MB, hang after ${hangS} s of CPU, stall after ${wallS} s of wall time, started ${new Date().toISOString()}\n`);
  const f: Figures = {
    target: name, cases: 0, codes: {}, faults: [], hangs: 0, stalls: [], crashes: 0, slowestMs: 0, slowestCase: -1, slowestCpuMs: 0, slowestCpuCase: -1,
    over1s: 0, over1sCpu: 0, peakRssMB: 0, seconds: 0, cliChecked: 0, cliDiffer: 0, loadStart: loadavg().map((x) => Math.round(x * 10) / 10), loadEnd: [],
  };
  const t0 = Date.now();
  const self = fileURLToPath(import.meta.url);
  const stalled = new Set<number>();
  let retry = -1;
  return new Promise((done) => {
    const start = (from: number) => {
      if (from >= cases) {
        f.seconds = Math.round((Date.now() - t0) / 1000);
        f.loadEnd = loadavg().map((x) => Math.round(x * 10) / 10);
        appendFileSync(log, `# done: ${JSON.stringify({ ...f, faults: f.faults.length })}\n`);
        done(f);
        return;
      }
      let current = from;
      let finished = false;
      const child = fork(self, ['--worker', name, String(from), String(cases)], { execArgv: [`--max-old-space-size=${heapMB}`, '--stack-size=984'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      // The limits count from the last report, in the worker's CPU time and in wall time; until the first
      // case they also allow for its set-up (building seed executables, opening cores).
      let lastWall = Date.now() + SETUP_S * 1000;
      let lastCpu = SETUP_S;
      const judge = () => {
        if (finished) return;
        const cpu = cpuSeconds(child.pid!);
        const wall = (Date.now() - lastWall) / 1000;
        // Where /proc cannot say, wall time stands in for CPU time (the old, load-sensitive limit).
        const used = cpu === undefined ? wall : cpu - lastCpu;
        if (used <= hangS && wall <= wallS) return;
        clearInterval(timer);
        finished = true;
        child.kill('SIGKILL');
        const figures = `${used.toFixed(1)} s of CPU in ${wall.toFixed(1)} s of wall time since its last report, load ${loadavg()[0].toFixed(1)}`;
        if (used > hangS) {
          // The case itself used the CPU: a hang whatever the load.
          f.hangs++;
          f.faults.push({ kind: 'hang', i: current, detail: figures });
          appendFileSync(log, `FAULT hang case ${current}: ${figures}\n`);
          return;
        }
        // Neither a report nor the CPU for a hang: blocked, or starved by a loaded machine. Run once more.
        f.stalls.push({ i: current, cpuS: Math.round(used * 10) / 10, wallS: Math.round(wall) });
        if (stalled.has(current)) {
          f.faults.push({ kind: 'stall', i: current, detail: `stalled twice; ${figures}` });
          appendFileSync(log, `FAULT stall case ${current} (twice): ${figures}\n`);
        } else {
          stalled.add(current);
          retry = current;
          appendFileSync(log, `# case ${current} stalled: ${figures}; running it again\n`);
        }
      };
      // Judged after the reports already waiting are read: setImmediate runs after the event loop's poll
      // phase, so a supervisor that was itself kept off the CPU sees them first.
      const timer = setInterval(() => setImmediate(judge), 1000);
      child.on('message', (m: Progress) => {
        lastWall = Date.now();
        lastCpu = cpuSeconds(child.pid!) ?? 0;
        if (m.type === 'start') {
          current = m.i;
          return;
        }
        if (m.type === 'end') return;
        f.cases++;
        f.codes[String(m.code)] = (f.codes[String(m.code)] ?? 0) + 1;
        if (m.ms! > f.slowestMs) [f.slowestMs, f.slowestCase] = [Math.round(m.ms!), m.i];
        if (m.ms! > 1000) f.over1s++;
        if (m.cpuMs! > f.slowestCpuMs) [f.slowestCpuMs, f.slowestCpuCase] = [Math.round(m.cpuMs!), m.i];
        if (m.cpuMs! > 1000) f.over1sCpu++;
        f.peakRssMB = Math.max(f.peakRssMB, Math.round(m.rss! / 2 ** 20));
        if (m.cli !== undefined) {
          f.cliChecked++;
          if (m.cli) {
            f.cliDiffer++;
            f.faults.push({ kind: 'CLI differs from in-process', i: m.i, input: m.input, detail: m.cli });
            appendFileSync(log, `FAULT cli case ${m.i} ${m.input ?? ''}: ${m.cli}\n`);
          }
        }
        if (m.bad) {
          f.faults.push({ kind: m.bad, i: m.i, input: m.input, detail: m.stderr?.split('\n').slice(0, 3).join(' | ') });
          appendFileSync(log, `FAULT ${m.bad} case ${m.i} ${m.input ?? ''}: ${m.stderr?.split('\n').slice(0, 6).join(' | ')}\n`);
        }
        if (f.cases % 1000 === 0) appendFileSync(log, `# ${f.cases} cases, ${Math.round((Date.now() - t0) / 1000)} s, codes ${JSON.stringify(f.codes)}, faults ${f.faults.length}, slowest ${f.slowestMs} ms (case ${f.slowestCase}), ${f.slowestCpuMs} ms of CPU (case ${f.slowestCpuCase}), peak RSS ${f.peakRssMB} MB, CLI replays ${f.cliChecked} (${f.cliDiffer} differ), load ${loadavg()[0].toFixed(1)}\n`);
      });
      child.on('exit', (code, signal) => {
        clearInterval(timer);
        if (!finished && code !== 0) {
          f.crashes++;
          f.faults.push({ kind: `worker died (exit ${code}, ${signal ?? 'no signal'})`, i: current, detail: stderr.slice(-500) });
          appendFileSync(log, `FAULT worker died exit ${code} ${signal ?? ''} at case ${current}: ${stderr.slice(-800).replace(/\n/g, ' | ')}\n`);
        }
        const again = retry;
        retry = -1;
        start(code === 0 && !finished ? cases : again >= 0 ? again : current + 1);
      });
    };
    start(0);
  });
}

async function supervise(argv: string[]): Promise<void> {
  const opt = (k: string, d: string) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : d;
  };
  const cases = Number(opt('--cases', '100000'));
  const names = opt('--targets', TARGETS.join(',')).split(',') as Name[];
  for (const n of names) if (!TARGETS.includes(n)) throw new Error(`unknown target ${n} (${TARGETS.join(', ')})`);
  const out = opt('--out', 'fuzz-logs');
  mkdirSync(out, { recursive: true });
  const heapMB = Number(process.env.FUZZ_HEAP_MB ?? 1024);
  const hangS = Number(process.env.FUZZ_HANG_S ?? 120);
  const wallS = Number(process.env.FUZZ_WALL_S ?? 1800);
  const all: Figures[] = [];
  for (const n of names) {
    const f = await campaign(n, cases, out, heapMB, hangS, wallS);
    all.push(f);
    console.log(`${n.padEnd(9)} ${f.cases} cases in ${f.seconds} s: exit codes ${JSON.stringify(f.codes)}, faults ${f.faults.length} (hangs ${f.hangs}, stalls ${f.stalls.length}, crashes ${f.crashes}), slowest ${f.slowestMs} ms (${f.slowestCpuMs} ms of CPU), over 1 s ${f.over1s} (of CPU ${f.over1sCpu}), peak RSS ${f.peakRssMB} MB, CLI replays ${f.cliChecked} (${f.cliDiffer} differ), load ${f.loadStart[0]} → ${f.loadEnd[0]}`);
    writeFileSync(join(out, `summary-${n}.json`), JSON.stringify(f, null, 2) + '\n');
  }
  if (names.length > 1) writeFileSync(join(out, 'summary.json'), JSON.stringify(all, null, 2) + '\n');
}

const args = process.argv.slice(2);
if (args[0] === '--worker') await worker(args[1] as Name, Number(args[2]), Number(args[3]));
else if (import.meta.url === `file://${process.argv[1]}`) await supervise(args);
