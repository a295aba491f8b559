/**
 * `mapscope check --pid` on maps that are being written (gosrc/churn: one
 * goroutine inserting, deleting and clearing two global maps without pause).
 *
 * What real Go guarantees, and so what is expected:
 * - Frozen (SIGSTOP stops every thread at once): the runtime sets the map's
 *   writing flag (hashWriting / Map.writing) for the whole of each insert,
 *   delete, clear and grow step, so a map whose flag is clear is intact; a
 *   map caught with it set may show half-done state, and every such finding
 *   must be marked possibly torn by the write.
 * - Not frozen: the writer keeps running while bytes are read, so the check
 *   must still run to the end (exit 0 or 1, never a crash or a hang) with
 *   every finding marked possibly torn.
 * No expected value here comes from mapscope: the rule is the runtime's own
 * (runtime/map.go and internal/runtime/maps set the flag before touching the
 * map and clear it after).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { startReady } from './support/cores.js';
import { goBuild } from './support/gobuild.js';

const CHURN = resolve(import.meta.dirname, '..', '..', 'gosrc', 'churn');

function build(go: string): string {
  return goBuild({ go, src: CHURN, goarch: 'amd64', name: 'churn' });
}

interface Finding { code: string; severity: string; possiblyTorn?: boolean; tornBy?: string }
interface Doc { maps: { name: string; address: string; count: number; findings: Finding[] }[] }

const WRITING = new Set(['classic/writing', 'swiss/writing']);

for (const [go, impl] of [['1.22', 'classic'], ['1.26', 'swiss']] as const) {
  test(`check --pid on a ${impl} map being written (Go ${go}): frozen reads are intact unless mid-write; running reads mark what a write explains`, async () => {
    const exe = build(go);
    const { proc: p, out, stop } = await startReady(exe, []);
    const truth = JSON.parse(out.split('\n')[0]) as Record<string, string>;
    let midWrite = 0;
    let tornRunning = 0;
    try {
      for (let round = 0; round < 40; round++) {
        const freeze = round % 2 === 0;
        const io = captureIO();
        const code = await main(['check', '--pid', String(p.pid), '--map', 'main.ints', '--map', 'main.strs', '--json', ...(freeze ? ['--freeze'] : [])], io);
        assert.ok(code === 0 || code === 1, `round ${round}: exit ${code}: ${io.stderr}`);
        const doc = JSON.parse(io.stdout) as Doc;
        assert.deepEqual(doc.maps.map((m) => [m.name, m.address]).sort(), Object.entries(truth).sort(), 'the maps the program printed');
        for (const m of doc.maps) {
          const writing = m.findings.some((f) => WRITING.has(f.code));
          if (freeze && writing) midWrite++;
          for (const f of m.findings) {
            if (WRITING.has(f.code)) continue;
            const what = `round ${round} ${freeze ? 'frozen' : 'running'} ${m.name}: ${JSON.stringify(f)}`;
            if (freeze) {
              // Frozen with the writing flag clear, a real runtime map is intact.
              assert.ok(writing, `${what}: a finding in a frozen map that no write was touching`);
              assert.equal(f.tornBy, 'writing', what);
            } else {
              assert.equal(f.possiblyTorn, true, `${what}: a finding no concurrent write could explain`);
              tornRunning++;
            }
          }
        }
        await new Promise((r) => setTimeout(r, 3 + (round % 7)));
      }
    } finally {
      await stop();
    }
    // For the record (not asserted: timing decides how often a read lands mid-write).
    console.log(`# churn ${go}: ${midWrite} frozen reads caught a map mid-write, ${tornRunning} possibly torn findings in running reads`);
  });
}
