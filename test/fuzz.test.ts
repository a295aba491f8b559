/**
 * The CI share of the fuzz campaigns (bench/fuzz.ts runs 10^5 cases per
 * parser outside CI; figures in docs/fuzz.md): the first cases of every
 * target, in-process, each judged as the campaign judges it — exit 0, 1 or 2,
 * no stack trace, no internal error, a 2 explained in one `mapscope:` line —
 * and each within a time bound: of CPU, since on a loaded shared machine wall
 * time is mostly waiting for one (docs/fuzz.md, "Why CPU time"), with a wall
 * backstop. Memory is bounded by the test runner's heap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cpuSeconds, makeTarget, TARGETS } from '../bench/fuzz.js';
import { cliAgrees, scratchDir } from '../bench/fuzz/targets.js';
import { sharedDir } from './support/shared.js';

// The litmus target seeds from herd's catalogue; find it as every other test does.
process.env.MAPSCOPE_SHARED ??= sharedDir();

/** Cases per target in CI: enough to reach every mutation kind; the executable and core ones cost more each. */
const CASES: Record<(typeof TARGETS)[number], number> = { type: 2000, litmus: 400, scenario: 600, snapshot: 300, baseline: 150, exe: 120, core: 300 };
/** A bound against hangs, in CPU time, not a benchmark. */
const CASE_LIMIT_MS = 30_000;
/** Wall time a case may take however starved the test process is: against a case that blocks without using the CPU. */
const CASE_WALL_MS = 600_000;
/** Cases of each target replayed as a real `node bin/mapscope.js` process, which must agree with main() in-process. */
const CLI_EVERY: Record<(typeof TARGETS)[number], number> = { type: 250, litmus: 50, scenario: 75, snapshot: 50, baseline: 25, exe: 20, core: 0 };

for (const name of TARGETS) {
  test(`fuzz ${name}: ${CASES[name]} cases end in exit 0/1/2 with one-line errors, no stack trace, no hang`, async () => {
    const dir = scratchDir(`ci-${name}`);
    try {
      const t = await makeTarget(name, dir);
      const codes: Record<number, number> = {};
      let replayed = 0;
      for (let i = 0; i < CASES[name]; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const o = await t.run(i, dir);
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        const cpuMs = (c.user + c.system) / 1000;
        codes[o.code] = (codes[o.code] ?? 0) + 1;
        assert.equal(o.bad, undefined, `${name} case ${i} (${o.input.slice(0, 300)}): ${o.bad}: ${o.stderr.slice(0, 600)}`);
        assert.ok(cpuMs < CASE_LIMIT_MS && ms < CASE_WALL_MS, `${name} case ${i}: ${Math.round(cpuMs)} ms of CPU, ${Math.round(ms)} ms of wall time`);
        if (CLI_EVERY[name] && i % CLI_EVERY[name] === 0) {
          assert.ok(o.argv, `${name} case ${i} ran through main()`);
          assert.equal(cliAgrees(o, CASE_LIMIT_MS), undefined, `${name} case ${i}: the CLI process and main() in-process`);
          replayed++;
        }
      }
      // The core target drives the checker directly (after the core is read), so it has no command line to replay.
      if (CLI_EVERY[name]) assert.ok(replayed >= 6, `${name}: ${replayed} cases replayed as a process`);
      // The mutations reach past the first check: some cases are accepted (0 or 1), others refused (2).
      assert.ok((codes[2] ?? 0) > 0, `${name}: some inputs refused ${JSON.stringify(codes)}`);
      assert.ok((codes[0] ?? 0) + (codes[1] ?? 0) > 0, `${name}: some inputs accepted ${JSON.stringify(codes)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the campaign\'s CPU clock (/proc/PID/stat) agrees with the kernel\'s getrusage for this process', () => {
  const before = cpuSeconds(process.pid)!;
  const r0 = process.cpuUsage();
  const until = performance.now() + 300;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  assert.ok(x > 0);
  const r = process.cpuUsage(r0);
  const used = cpuSeconds(process.pid)! - before;
  // /proc counts in ticks of 10 ms (USER_HZ 100): one tick at each end.
  assert.ok(Math.abs(used - (r.user + r.system) / 1e6) <= 0.03, `/proc ${used} s, getrusage ${(r.user + r.system) / 1e6} s`);
  assert.equal(cpuSeconds(2 ** 30), undefined, 'a process that does not exist');
});
