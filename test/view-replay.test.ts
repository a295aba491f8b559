/**
 * `mapscope view SCENARIO` in a real headless Chromium: the replay's slider
 * and buttons walk the operations, and at every step the page's state is
 * what that step's `sim --trace` text says happened:
 *
 * - classic (Go 1.23): each "insert: bucket B slot S, tophash 0xTT" leaves
 *   that slot full with that tophash and the inserted key; "grow: B 3 → 4"
 *   brings an old array of 8 buckets beside 16 new ones; "evacuate old
 *   bucket N: x to X (bucket a), y to Y (bucket b)" marks x slots of old
 *   bucket N evacuated X and y evacuated Y; "grow done" drops the old
 *   array; "delete: bucket B slot S → emptyOne" empties the slot;
 * - Swiss (Go 1.24): "split: … left L keys at dir 0, right R keys at dir 1"
 *   leaves two tables whose used counts are L and R (plus the step's insert
 *   where the trace puts it), and "→ group G slot S (empty), ctrl 0xCC"
 *   fills that slot with that control byte.
 *
 * The page's trace text is the `sim --trace` block of the same operation.
 * Slot counts: 8 a bucket or group, as many as the rows drawn.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO, compareScreenshot, launch, open, view } from './support/viewpage.js';

const tmp = mkdtempSync(join(tmpdir(), 'mapscope-view-replay-'));
let ctx: BrowserContext;

before(async () => {
  ctx = await launch(join(tmp, 'profile'));
});

after(async () => {
  await ctx?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** `sim --trace`'s block for each operation: "#n op …" and its indented lines. */
function simTrace(file: string): Map<string, string> {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'mapscope.js'), 'sim', file, '--trace'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const blocks = new Map<string, string>();
  let cur: string[] | undefined;
  for (const line of r.stdout.split('\n')) {
    if (/^#\d+ /.test(line)) {
      cur = [line];
      blocks.set(line.split(' ')[0], '');
    } else if (cur && line.startsWith('    ')) cur.push(line);
    else cur = undefined;
    if (cur) blocks.set(cur[0].split(' ')[0], cur.join('\n'));
  }
  return blocks;
}

async function goTo(page: Page, n: number): Promise<void> {
  await page.$eval('#step', (s, v) => {
    (s as HTMLInputElement).value = String(v);
    s.dispatchEvent(new Event('input'));
  }, n);
  assert.equal(await page.getAttribute('body', 'data-step'), String(n));
}

interface Row {
  states: string[];
  labels: string[];
}

/** The cells of the row headed `label` ("bucket 3", "oldbucket 2", "table 1 group 115"), or null. */
async function row(page: Page, label: string): Promise<Row | null> {
  return page.$$eval('.row', (rows, l) => {
    const r = rows.find((x) => x.querySelector('[role="rowheader"]')?.textContent === l);
    if (!r) return null;
    const cs = [...r.querySelectorAll<HTMLElement>('.slot')];
    return { states: cs.map((c) => c.dataset.state!), labels: cs.map((c) => c.getAttribute('aria-label')!) };
  }, label);
}

async function rowLabels(page: Page): Promise<string[]> {
  return page.$$eval('.row [role="rowheader"]', (r) => r.map((x) => x.textContent!));
}

const count = (xs: string[], s: string) => xs.filter((x) => x === s).length;

test('replay of a classic map (Go 1.23): every step as its trace says, growth and evacuation included', async () => {
  const ops = [...Array.from({ length: 59 }, (_, i) => ['insert', i + 1, (i + 1) * 10]), ['delete', 5], ['delete', 6]];
  const file = join(tmp, 'classic.json');
  writeFileSync(file, JSON.stringify({ go: '1.23', arch: 'amd64', type: 'map[int64]int64', ops }));
  const html = join(tmp, 'classic.html');
  const r = view([file, '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const sim = simTrace(file);
  const { page, problems } = await open(ctx, html);
  try {
    assert.equal(await page.getAttribute('#step', 'max'), String(ops.length));
    let sawGrow = false;
    let sawEvacuate = false;
    let sawDone = false;
    let B = 0;
    let growing = false;
    for (let n = 1; n <= ops.length; n++) {
      await goTo(page, n);
      const trace = (await page.textContent('#trace'))!;
      assert.equal(trace, sim.get(`#${n - 1}`), `step ${n}: the page shows sim --trace's block`);
      const grow = /grow: B (\d+) → (\d+)/.exec(trace);
      if (grow) {
        sawGrow = true;
        growing = true;
        B = Number(grow[2]);
      }
      if (/grow done/.test(trace)) {
        sawDone = true;
        growing = false;
      }
      const labels = await rowLabels(page);
      if (B > 0) {
        assert.equal(labels.filter((l) => /^bucket \d+$/.test(l)).length, 2 ** B, `step ${n}: 2^B buckets`);
        assert.equal(labels.filter((l) => /^oldbucket \d+$/.test(l)).length, growing ? 2 ** (B - 1) : 0, `step ${n}: the old array while growing, only then`);
      }
      assert.equal(await page.$$eval('.slot[data-slot]', (c) => c.length), labels.length * 8, `step ${n}: 8 slots a bucket`);
      for (const m of trace.matchAll(/evacuate old bucket (\d+): (\d+) to X \(bucket (\d+)\), (\d+) to Y \(bucket (\d+)\)/g)) {
        sawEvacuate = true;
        if (!growing) continue; // the old array is gone by the end of this step
        // The whole chain: the old bucket and its overflow buckets.
        const chain = labels.filter((l) => l === `oldbucket ${m[1]}` || l.startsWith(`oldbucket ${m[1]} overflow `));
        const old = (await Promise.all(chain.map((l) => row(page, l)))).flatMap((x) => x!.states);
        assert.equal(count(old, 'X'), Number(m[2]), `step ${n}: ${m[0]}`);
        assert.equal(count(old, 'Y'), Number(m[4]), `step ${n}: ${m[0]}`);
      }
      const ins = /insert: bucket (\d+) slot (\d+), tophash 0x([0-9a-f]+)/.exec(trace);
      if (ins) {
        const b = (await row(page, `bucket ${ins[1]}`))!;
        const s = Number(ins[2]);
        assert.equal(b.states[s], 'F', `step ${n}: ${ins[0]}`);
        assert.ok(b.labels[s].includes(`tophash ${parseInt(ins[3], 16)}`), `step ${n}: ${b.labels[s]}`);
        const [, key, value] = ops[n - 1] as [string, number, number];
        assert.ok(b.labels[s].includes(`key ${key}; `) || b.labels[s].includes(`key ${key}   elem ${value}`), `step ${n}: ${b.labels[s]}`);
      }
      const del = /delete: bucket (\d+) slot (\d+) → emptyOne/.exec(trace);
      if (del) assert.equal((await row(page, `bucket ${del[1]}`))!.states[Number(del[2])], 'E', `step ${n}: ${del[0]}`);
    }
    assert.ok(sawGrow && sawEvacuate && sawDone, 'the scenario grows, evacuates and finishes growing');
    // The buttons and the keyboard move one step; first goes back to make.
    await page.click('#first');
    assert.equal(await page.getAttribute('body', 'data-step'), '0');
    assert.match((await page.textContent('#trace'))!, /^make\n {4}make: hint none/);
    await page.click('#next');
    await page.click('#next');
    await page.click('#prev');
    assert.equal(await page.getAttribute('body', 'data-step'), '1');
    await page.focus('#step');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('body', 'data-step'), '2');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
  await compareScreenshot(ctx, html, 'replay-classic-grow', tmp, (p) => goTo(p, 53));
});

test('replay of a Swiss map (Go 1.24): the table split as its trace says', async () => {
  const ops = Array.from({ length: 900 }, (_, i) => ['insert', i + 1, (i + 1) * 10]);
  const file = join(tmp, 'swiss.json');
  writeFileSync(file, JSON.stringify({ go: '1.24', arch: 'amd64', type: 'map[int64]int64', ops }));
  const html = join(tmp, 'swiss.html');
  const r = view([file, '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const sim = simTrace(file);
  const splitOp = [...sim.entries()].find(([, t]) => /split: /.test(t));
  assert.ok(splitOp, 'the scenario splits a table');
  const n = Number(splitOp[0].slice(1)) + 1;
  const { page, problems } = await open(ctx, html);
  try {
    await goTo(page, n - 1);
    assert.equal(await page.$$eval('.sectitle', (t) => t.length), 1, 'one table before the split');
    await goTo(page, n);
    const trace = (await page.textContent('#trace'))!;
    assert.equal(trace, splitOp[1]);
    const split = /split: table at dir 0 \(localDepth 0\) → left (\d+) keys at dir 0, right (\d+) keys at dir 1/.exec(trace)!;
    assert.ok(split, trace);
    const put = /table@dir(\d+): probe groups \[[\d ]+\] → group (\d+) slot (\d+) \(empty\), ctrl 0x([0-9a-f]+)/.exec(trace.slice(trace.indexOf('split:')))!;
    assert.ok(put, trace);
    const titles = await page.$$eval('.sectitle', (t) => t.map((x) => x.textContent!));
    assert.equal(titles.length, 2, 'two tables after the split');
    const byDir = (d: number) => titles.findIndex((t) => new RegExp(`^table \\d+: directory\\[${d}\\],`).test(t));
    const used = (d: number) => Number(/used (\d+)/.exec(titles[byDir(d)])![1]);
    const into = Number(put[1]);
    assert.equal(used(0), Number(split[1]) + (into === 0 ? 1 : 0), titles.join(' | '));
    assert.equal(used(1), Number(split[2]) + (into === 1 ? 1 : 0), titles.join(' | '));
    const g = (await row(page, `table ${byDir(into)} group ${put[2]}`))!;
    assert.equal(g.states[Number(put[3])], 'F');
    assert.ok(g.labels[Number(put[3])].includes(`ctrl 0x${put[4]}`), g.labels[Number(put[3])]);
    assert.ok(g.labels[Number(put[3])].includes(`key ${n}   elem ${n * 10}`), g.labels[Number(put[3])]);
    // Slot counts: each table's capacity in slots.
    const caps = titles.map((t) => Number(/capacity (\d+)/.exec(t)![1]));
    assert.equal(await page.$$eval('.slot[data-slot]', (c) => c.length), caps.reduce((a, b) => a + b, 0));
    // Full slots: the keys inserted so far.
    assert.equal(await page.$$eval('.slot[data-state="F"]', (c) => c.length), n);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
