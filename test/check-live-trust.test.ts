/**
 * `mapscope check --pid` never harms the program it reads, and never turns a
 * process that went away into findings (issue 12, "Live processes are sacred").
 *
 * The program is gosrc/bigmap: one global map of 1,000,000 entries built by
 * the real Go runtime (so intact), and a goroutine that keeps running.
 *
 * - mapscope is killed (SIGINT, SIGTERM, SIGHUP, SIGKILL) while the program
 *   is frozen. To be sure the kill lands inside the freeze, mapscope itself is
 *   first stopped (SIGSTOP) while /proc says the program is stopped; the
 *   signal is then delivered, and a pending fatal signal kills a continued
 *   process before it runs another instruction, so mapscope never gets to
 *   resume the program itself: only the watchdog can. The program must be
 *   running again within 1 s. SIGPIPE, which Node ignores, must leave
 *   mapscope to finish and resume it normally.
 * - The pause mapscope prints for the 1M-entry map is at most 1 s.
 * - --max-pause shorter than the copy: exit 2, the program running.
 * - The program killed or exec'ing during an unfrozen read: exit 2 naming it, never findings.
 * - A program with no map: exit 2 unless --allow-empty.
 * - --pid 1 as root names the real reason, not "same user, or root".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startReady } from './support/cores.js';
import { goBuild } from './support/gobuild.js';
import { assertBadInput } from './support/badinput.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const BIGMAP = join(REPO, 'gosrc', 'bigmap');
const BIN = join(REPO, 'bin', 'mapscope.js');

function build(go: string): string {
  return goBuild({ go, src: BIGMAP, goarch: 'amd64', name: 'bigmap' });
}

/** The state letter of /proc/P/stat, or undefined once the process is gone. */
function state(pid: number): string | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

const stopped = (pid: number) => state(pid) === 'T';

/** What check --pid says on stderr before an error: the pause (--freeze) and the maps the walk found. */
const PROGRESS = /^(pid \d+: paused for |found \d+ maps? reachable)/;

interface Ran { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

function mapscope(args: string[]): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Ran>((res) => child.on('close', (code, signal) => res({ code, signal, out, err })));
  return { child, done };
}

/** Resolves once mapscope says it found the map (it is then reading it); fails if mapscope ends first. */
async function foundMap(m: { child: ChildProcess; done: Promise<Ran> }): Promise<void> {
  let err = '';
  await Promise.race([
    new Promise<void>((res) => m.child.stderr!.on('data', (d: Buffer) => /found 1 map/.test((err += d.toString())) && res())),
    m.done.then((r) => assert.fail(`mapscope ended before reading the map: ${r.code} ${r.err}`)),
  ]);
}

/** Busy-waits (the freeze lasts milliseconds) until pred holds or ms pass; true if it held. */
function spinUntil(pred: () => boolean, ms: number): boolean {
  const until = performance.now() + ms;
  while (performance.now() < until) if (pred()) return true;
  return false;
}

test('check --pid --freeze: killed by SIGINT, SIGTERM, SIGHUP or SIGKILL mid-freeze, the program runs again within 1 s; SIGPIPE is survived', async () => {
  const exe = build('1.26');
  const { proc, stop } = await startReady(exe, ['1000000']);
  const pid = proc.pid!;
  const figures: string[] = [];
  try {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL', 'SIGPIPE'] as const) {
      let caught = false;
      for (let attempt = 0; attempt < 8 && !caught; attempt++) {
        const m = mapscope(['check', '--pid', String(pid), '--freeze', '--max-pause', '30s', '--map', 'main.big']);
        // Wait for mapscope to stop the program, then stop mapscope before it can resume it.
        const seen = spinUntil(() => stopped(pid) || m.child.exitCode !== null, 60000) && stopped(pid);
        if (seen) m.child.kill('SIGSTOP');
        if (!seen || !stopped(pid)) {
          // mapscope resumed the program between the two looks: try again.
          m.child.kill('SIGCONT');
          m.child.kill('SIGKILL');
          await m.done;
          assert.ok(spinUntil(() => !stopped(pid), 1000), 'resumed after a missed attempt');
          continue;
        }
        caught = true;
        assert.ok(stopped(pid), `${sig}: the program is stopped by mapscope, and mapscope is stopped`);
        const t0 = performance.now();
        m.child.kill(sig);
        if (sig !== 'SIGKILL') m.child.kill('SIGCONT');
        // SIGPIPE is not fatal to Node: mapscope finishes its copy first (bounded by --max-pause), then resumes.
        const running = spinUntil(() => !stopped(pid), sig === 'SIGPIPE' ? 30000 : 1000);
        const ms = performance.now() - t0;
        const r = await m.done;
        assert.ok(running, `${sig}: the program is still stopped ${ms.toFixed(0)} ms after mapscope got ${sig}`);
        assert.ok(state(pid) !== undefined, 'the program is alive');
        if (sig === 'SIGPIPE') {
          // Node ignores SIGPIPE: mapscope carries on, resumes the program itself and finishes the check.
          assert.equal(r.code, 0, r.err);
          assert.match(r.out, /main\.big .* count 1000000 {2}intact/);
        } else {
          assert.equal(r.signal, sig, `mapscope died of ${sig} (${r.code} ${r.err})`);
        }
        figures.push(`${sig}: running again ${ms.toFixed(1)} ms after the signal`);
      }
      assert.ok(caught, `${sig}: mapscope was caught mid-freeze within 8 attempts`);
    }
  } finally {
    await stop();
  }
  console.log(`# ${figures.join('; ')}`);
});

for (const go of ['1.26', '1.22']) test(`check --pid --freeze on a 1M-entry map (Go ${go}): the pause printed is at most 1 s and the copy checks intact`, async () => {
  const exe = build(go);
  const { proc, out, stop } = await startReady(exe, ['1000000']);
  const truth = JSON.parse(out.split('\n')[0]) as { 'main.big': string; len: number };
  try {
    const m = mapscope(['check', '--pid', String(proc.pid), '--freeze', '--json']);
    const r = await m.done;
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { source: { pauseMs: number; copiedBytes: number; frozen: boolean }; maps: { name: string; address: string; count: number; findings: unknown[] }[] };
    assert.deepEqual(doc.maps.map((x) => [x.name, x.address, x.count, x.findings.length]), [['main.big', truth['main.big'], truth.len, 0]]);
    assert.ok(doc.source.pauseMs > 0 && doc.source.pauseMs <= 1000, `paused ${doc.source.pauseMs} ms`);
    const line = /pid \d+: paused for ([\d.]+) (ms|s) to copy ([\d.]+ MiB)/.exec(r.err);
    assert.ok(line, `the pause is printed: ${r.err}`);
    assert.ok(!stopped(proc.pid!), 'running after');
    console.log(`# 1M-entry map (Go ${go}): paused ${doc.source.pauseMs} ms, copied ${(doc.source.copiedBytes / 2 ** 20).toFixed(1)} MiB; load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
    if (go !== '1.26') return;
    // --max-pause below what the copy takes: refused, said so, the program running.
    const short = await mapscope(['check', '--pid', String(proc.pid), '--freeze', '--max-pause', '1ms']).done;
    assertBadInput(short.code, short.err, {
      want: /^mapscope: pid \d+: copying its memory would stop it longer than --max-pause 1\.0 ms: .*resumed it, checked nothing/,
      stdout: short.out,
      progress: PROGRESS,
    });
    assert.ok(spinUntil(() => !stopped(proc.pid!), 1000), 'running after a refused freeze');
  } finally {
    await stop();
  }
});

test('check --pid (not frozen): a program killed mid-read is exit 2 "exited", never broken maps', async () => {
  const exe = build('1.22');
  const { proc, stop } = await startReady(exe, ['1000000']);
  try {
    const m = mapscope(['check', '--pid', String(proc.pid), '--json']);
    // The walk has found the map (said on stderr) and the check is reading it: kill the program.
    await foundMap(m);
    proc.kill('SIGKILL');
    const r = await m.done;
    assertBadInput(r.code, r.err, { want: /^mapscope: pid \d+: the process exited while it was being read$/, what: 'exit 2, not findings', stdout: r.out, progress: PROGRESS });
  } finally {
    await stop();
  }
});

test('check --pid (not frozen): a program that execs mid-read is exit 2 "exec", never broken maps', async () => {
  const exe = build('1.22');
  const { proc, stop } = await startReady(exe, ['1000000']);
  try {
    const m = mapscope(['check', '--pid', String(proc.pid), '--json']);
    await foundMap(m);
    proc.stdin.write('exec\n');
    const r = await m.done;
    assertBadInput(r.code, r.err, { want: /^mapscope: pid \d+: the process replaced itself \(exec\) while it was being read$/, what: 'exit 2, not findings', stdout: r.out, progress: PROGRESS });
  } finally {
    await stop();
  }
});

test('check --pid: a program with no map is exit 2 "nothing was checked", exit 0 with --allow-empty', async () => {
  const exe = build('1.26');
  const { proc, stop } = await startReady(exe, ['0']);
  try {
    const empty = await mapscope(['check', '--pid', String(proc.pid), '--freeze']).done;
    assertBadInput(empty.code, empty.err, { want: /^mapscope: pid \d+: no map found, so nothing was checked/, progress: PROGRESS });
    assert.doesNotMatch(empty.out, /intact/);
    const allowed = await mapscope(['check', '--pid', String(proc.pid), '--freeze', '--allow-empty']).done;
    assert.equal(allowed.code, 0, allowed.err);
    assert.match(allowed.out, /^0 maps checked/m);
  } finally {
    await stop();
  }
});

test('check --pid 1 and a kernel thread: the real reason, never "same user, or root" to root', async () => {
  const r = await mapscope(['check', '--pid', '1']).done;
  assertBadInput(r.code, r.err, { stdout: r.out });
  if (process.getuid?.() === 0) {
    assert.doesNotMatch(r.err, /same user, or root/);
    // Root is refused pid 1 only for a reason /proc can name (capabilities, ptrace_scope, a kernel thread), or pid 1 is readable but not Go.
    assert.match(r.err, /although mapscope runs as root: .+|kernel thread|not a Go executable|no executable/, r.err);
  } else {
    assert.match(r.err, /permission denied: .*(uid|ptrace_scope|same user)/);
  }
  // kthreadd is pid 2 on Linux.
  const k = await mapscope(['check', '--pid', '2']).done;
  assert.equal(k.code, 2);
  if (/kthreadd/.test(readFileSync('/proc/2/comm', 'utf8'))) assert.match(k.err, /kernel thread/);
});
