/**
 * `mapscope view` of maps read from real memory, in a real headless
 * Chromium: real core dumps of a real Go program (gosrc/coreprobe, made and
 * cached by test/support/cores.ts) and a live process. Expected values come
 * from the Go program, never from mapscope:
 *
 * - the probe's truth line: each map's header address, len and first six
 *   header words, read by the program itself;
 * - its source (gosrc/coreprobe/main.go): `growing[i] = i` for i < 53 (a
 *   classic map caught mid-grow: 53 inserts into 8 buckets pass the load
 *   factor 6.5 and start doubling to 16), `big[i*2654435761] = i` for
 *   i < 5000 (a Swiss map of several tables: a table holds at most 1024
 *   slots, 896 entries);
 * - the runtime's layouts, derived by hand beside each use (runtime/map.go
 *   hmap and bmap; internal/runtime/maps/map.go Map).
 *
 * And bad input: a core without its binary, with another build's binary,
 * a truncated core, a pid that is not running: one line, exit 2, no file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, openSync, readSync, closeSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserSuite, open, view } from './support/viewpage.js';
import { liveProbe, realCore, type CoreTruth, type TruthMap } from './support/cores.js';
import { assertBadInput } from './support/badinput.js';

const suite = browserSuite('view-sources');
const tmp = suite.tmp;

function truthMap(t: CoreTruth, name: string): TruthMap {
  const m = t.maps.find((x) => x.name === name);
  assert.ok(m, `the probe reports ${name}`);
  return m;
}

interface Cell {
  slot: number;
  state: string;
  label: string;
}

async function cells(page: Page): Promise<Cell[]> {
  return page.$$eval('.slot[data-slot]', (cs) => cs.map((c) => ({ slot: Number((c as HTMLElement).dataset.slot), state: (c as HTMLElement).dataset.state!, label: c.getAttribute('aria-label')! })));
}

/** The row header ("bucket 3", "oldbucket 1 overflow 1", "table 2 group 7") of every drawn unit. */
async function unitLabels(page: Page): Promise<string[]> {
  return page.$$eval('.row [role="rowheader"]', (r) => r.map((x) => x.textContent!));
}

const keyOf = (label: string) => /key (-?\d+)(?: |;)/.exec(label)?.[1];
const elemOf = (label: string) => /elem (-?\d+)(?: |;)/.exec(label)?.[1];

async function histogramTotal(page: Page): Promise<number> {
  return page.$$eval('#probe li', (li) => li.reduce((s, x) => s + Number(x.getAttribute('data-count')), 0));
}

test('view --core: a classic map mid-grow from a real Go 1.22 core (buckets, old buckets, keys, addresses)', async () => {
  const { core, exe, truth } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const m = truthMap(truth, 'main.growing');
  // hmap (runtime/map.go, amd64): count int @0; flags uint8 @8, B uint8 @9, noverflow uint16 @10, hash0 @12;
  // buckets @16; oldbuckets @24: words 0, 1, 2 and 3 of the truth's header words.
  const B = Number((BigInt(m.hdr[1]) >> 8n) & 0xffn);
  const buckets = BigInt(m.hdr[2]);
  const oldbuckets = BigInt(m.hdr[3]);
  assert.equal(B, 4, '53 inserts into 8 buckets start doubling to 16');
  assert.notEqual(oldbuckets, 0n, 'the probe caught the map mid-grow');
  const html = join(tmp, 'core-classic.html');
  const r = view(['--core', core, '--binary', exe, '--map', 'main.growing', '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const { page, problems } = await open(suite.ctx, html);
  try {
    const labels = await unitLabels(page);
    assert.equal(labels.filter((l) => /^bucket \d+$/.test(l)).length, 2 ** B, 'one row per bucket of the current array');
    assert.equal(labels.filter((l) => /^oldbucket \d+$/.test(l)).length, 2 ** (B - 1), 'one row per bucket of the old array (a doubling: half as many)');
    const all = await cells(page);
    assert.equal(all.length, labels.length * 8, 'eight slots a bucket');
    // The live keys: every full slot of the current array and of the old buckets not yet evacuated
    // (an evacuated old bucket's slots are marked X/Y/Z, never full): exactly 0..52, each once, elem = key.
    const full = all.filter((c) => c.state === 'F');
    assert.equal(full.length, m.len);
    const keys = full.map((c) => Number(keyOf(c.label))).sort((a, b) => a - b);
    assert.deepEqual(keys, Array.from({ length: 53 }, (_, i) => i));
    for (const c of full) assert.equal(elemOf(c.label), keyOf(c.label), c.label);
    // Addresses: bmap for map[int64]int64 on amd64 is tophash [8]uint8 @0, keys [8]int64 @8, elems @72,
    // overflow @136, 144 bytes; slot j of bucket i keeps its key at buckets + 144·i + 8 + 8·j.
    const b1 = full.find((c) => Math.floor(c.slot / 8) < 2 ** B)!;
    const i = Math.floor(b1.slot / 8);
    const j = b1.slot % 8;
    await page.hover(`.slot[data-slot="${b1.slot}"]`);
    const details = (await page.textContent('#details'))!;
    assert.ok(details.includes(`key at 0x${(buckets + 144n * BigInt(i) + 8n + 8n * BigInt(j)).toString(16)}`), details);
    assert.ok(details.includes(`key ${keyOf(b1.label)} `), details);
    // The old array's first bucket sits at oldbuckets.
    await page.hover(`.slot[data-slot="${2 ** B * 8}"]`);
    assert.ok((await page.textContent('#details'))!.includes(`key at 0x${(oldbuckets + 8n).toString(16)}`));
    assert.equal(await histogramTotal(page), m.len, 'the probe-length histogram counts every live key');
    assert.equal(await page.textContent('#no-findings').then((t) => Boolean(t)), true, 'a map the runtime built is intact');
    // Bytes by kind, derived by hand (runtime/map.go makeBucketArray, runtime/sizeclasses.go): the hmap's 48 bytes
    // are a size class; B = 4 allocates 16 + 2^(4-4) = 17 buckets of 144 bytes = 2448, rounded up to the 2688-byte
    // class; the old array (B = 3, no preallocated overflow below B = 4) is 8 × 144 = 1152, a class of its own.
    const bytes = Object.fromEntries(await page.$$eval('#bytes tr', (rs) => rs.map((x) => [x.getAttribute('data-kind')!, Number(x.querySelector('td')!.textContent)])));
    assert.equal(bytes.header, 48);
    assert.equal(bytes.buckets, 2688);
    assert.equal(bytes.oldbuckets, 1152);
    assert.equal(bytes.total, Object.entries(bytes).filter(([k]) => k !== 'total').reduce((a, [, v]) => a + (v as number), 0), 'the kinds add up');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('view --core: a Swiss map with several tables from a real Go 1.26 core (tables, groups, keys)', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const m = truthMap(truth, 'main.big');
  // maps.Map (internal/runtime/maps/map.go, amd64): used uint64 @0, seed @8, dirPtr @16, dirLen int @24,
  // globalDepth uint8 @32: words 0–4 of the truth's header words.
  const dirLen = Number(BigInt(m.hdr[3]));
  const globalDepth = Number(BigInt(m.hdr[4]) & 0xffn);
  assert.equal(dirLen, 2 ** globalDepth);
  assert.ok(dirLen > 1, 'several tables');
  const html = join(tmp, 'core-swiss.html');
  const r = view(['--core', core, '--binary', exe, '--map', 'main.big', '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const { page, problems } = await open(suite.ctx, html);
  try {
    const titles = await page.$$eval('.sectitle', (t) => t.map((x) => x.textContent!));
    // 5000 entries, at most 896 in a table of 1024 slots: at least 6 tables, at most one per directory entry.
    assert.ok(titles.length >= 6 && titles.length <= dirLen, titles.join(' | '));
    // Each table's title names its capacity; its rows are capacity / 8 groups.
    const labels = await unitLabels(page);
    titles.forEach((t, ti) => {
      const cap = Number(/capacity (\d+)/.exec(t)![1]);
      assert.ok(cap <= 1024, t);
      assert.equal(labels.filter((l) => l.startsWith(`table ${ti} group `)).length, cap / 8, t);
    });
    const all = await cells(page);
    assert.equal(all.length, labels.length * 8);
    const full = all.filter((c) => c.state === 'F');
    assert.equal(full.length, m.len);
    const want = Array.from({ length: 5000 }, (_, i) => BigInt(i) * 2654435761n).sort((a, b) => (a < b ? -1 : 1)).map(String);
    const got = full.map((c) => BigInt(keyOf(c.label)!)).sort((a, b) => (a < b ? -1 : 1)).map(String);
    assert.deepEqual(got, want);
    for (const c of full.slice(0, 200)) assert.equal(BigInt(keyOf(c.label)!), BigInt(elemOf(c.label)!) * 2654435761n, c.label);
    await page.hover(`.slot[data-slot="${full[0].slot}"]`);
    assert.ok((await page.textContent('#details'))!.includes(`key ${keyOf(full[0].label)} `));
    assert.equal(await histogramTotal(page), m.len, 'every key hashed with the core\'s key material');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('view --pid --freeze: a live Go 1.26 process, drawn from the copy and left running', async () => {
  const probe = await liveProbe('1.26');
  try {
    const m = truthMap(probe.truth, 'main.big');
    const html = join(tmp, 'live.html');
    const r = view(['--pid', String(probe.pid), '--freeze', '--map', 'main.big', '-o', html]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /paused for .* running again/);
    // Not stopped: /proc/PID/stat's third field is the state, T when stopped.
    const state = readFileSync(`/proc/${probe.pid}/stat`, 'utf8').split(') ')[1][0];
    assert.notEqual(state, 'T', 'the process runs again');
    const { page, problems } = await open(suite.ctx, html);
    try {
      const full = (await cells(page)).filter((c) => c.state === 'F');
      assert.equal(full.length, m.len);
      for (const c of full.slice(0, 100)) assert.equal(BigInt(keyOf(c.label)!), BigInt(elemOf(c.label)!) * 2654435761n, c.label);
      assert.match((await page.textContent('#origin'))!, new RegExp(`pid ${probe.pid}`));
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  } finally {
    await probe.stop();
  }
});

test('view of a core or pid: bad input is one line, exit 2, and no file', async () => {
  const a = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const b = await realCore({ go: '1.24', arch: 'amd64', how: 'crash' });
  // A truncated core: the first 64 KiB of a real one.
  const cut = join(tmp, 'cut.core');
  const fd = openSync(a.core, 'r');
  const head = Buffer.alloc(65536);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  writeFileSync(cut, head);
  const out = join(tmp, 'bad.html');
  const cases: [string, string[]][] = [
    ['a core without its binary', ['--core', a.core, '--map', 'main.big']],
    ["a core with another build's binary", ['--core', a.core, '--binary', b.exe, '--map', 'main.big']],
    ['a truncated core', ['--core', cut, '--binary', a.exe, '--map', 'main.big']],
    ['a binary that is not there', ['--core', a.core, '--binary', join(tmp, 'nope'), '--map', 'main.big']],
    ['a map the program does not have', ['--core', a.core, '--binary', a.exe, '--map', 'main.nope']],
    ['several maps and none chosen', ['--core', a.core, '--binary', a.exe]],
    ['a pid that is not running', ['--pid', '999999999', '--map', 'main.big']],
    ['--freeze without --pid', ['--core', a.core, '--binary', a.exe, '--freeze']],
  ];
  for (const [what, args] of cases) {
    const r = view([...args, '-o', out]);
    assertBadInput(r.status, r.stderr, { what, progress: /^found \d+ maps? reachable/ });
    assert.ok(!existsSync(out), `${what}: nothing written`);
  }
});
