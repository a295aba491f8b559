/**
 * `mapscope view` in a real headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core). Every expected value comes from a real Go
 * runtime's output committed under test/fixtures, never from mapscope:
 *
 * - memory views of real-runtime snapshots: a classic map mid-grow with an
 *   overflow chain (Go 1.23 amd64) and a Swiss map with several tables
 *   (Go 1.24 amd64): the page has one cell per slot the snapshot holds, each
 *   cell's state letter follows the runtime's constants applied to the
 *   snapshot's own tophash / ctrl bytes, and hovering or focusing a slot
 *   shows the key the snapshot recorded there;
 * - a finding (a tophash changed by hand) is listed and selecting it
 *   highlights and focuses that slot;
 * - layout strips against the layouts real compilers produced
 *   (test/fixtures/layout);
 * - no console errors or page errors, no network requests;
 * - screenshots equal the committed references (test/fixtures/view/*.png)
 *   within a pixel tolerance (MAPSCOPE_UPDATE_SCREENSHOTS=1 rewrites them);
 * - bad input: one line on stderr, exit 2, no file written.
 *
 * Needs `npm run build` (the page bundle dist/page/view.js) and chromium
 * (scripts/setup.sh installs it); without them the tests fail, never skip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, compareScreenshot as compareWith, browserSuite, open as openPage, view } from './support/viewpage.js';
import { fixtureName, SCENARIOS } from './support/swisssnap.js';
import { readRecording, recordingFile } from './support/simfixtures.js';
import { assertBadInput } from './support/badinput.js';

const suite = browserSuite('view');
const tmp = suite.tmp;

const open = (file: string) => openPage(suite.ctx, file);
const compareScreenshot = (html: string, name: string, prepare?: (p: Page) => Promise<void>) => compareWith(suite.ctx, html, name, tmp, prepare);

interface Unit {
  states: string[];
  keys: unknown[];
}

/** runtime/map.go: emptyRest 0, emptyOne 1, evacuatedX 2, evacuatedY 3, evacuatedEmpty 4, minTopHash 5. */
const classicLetter = (t: number) => (t >= 5 ? 'F' : 'REXYZ'[t]);
/** internal/runtime/maps/group.go: ctrlEmpty 0b10000000, ctrlDeleted 0b11111110, full slots hold H2 (< 0x80). */
const swissLetter = (c: number) => (c < 0x80 ? 'F' : c === 0x80 ? 'E' : c === 0xfe ? 'D' : '?');

/** The slots in the order the page lists them: buckets then oldbuckets, each chain in order; tables in order, groups in order. */
function unitsOf(snap: Record<string, unknown>): Unit[] {
  type B = { tophash: number[]; ctrl: number[]; keys: unknown[] };
  if (snap.impl === 'classic') {
    const out: Unit[] = [];
    for (const a of ['buckets', 'oldbuckets']) for (const chain of (snap[a] as B[][] | null) ?? []) for (const b of chain) out.push({ states: b.tophash.map(classicLetter), keys: b.keys });
    return out;
  }
  if (snap.small) {
    const g = snap.small as B;
    return [{ states: g.ctrl.map(swissLetter), keys: g.keys }];
  }
  return (snap.tables as { groups: B[] }[]).flatMap((t) => t.groups.map((g) => ({ states: g.ctrl.map(swissLetter), keys: g.keys })));
}

async function checkMemoryPage(file: string, snap: Record<string, unknown>): Promise<void> {
  const units = unitsOf(snap);
  const html = join(tmp, `${file}.html`);
  const json = join(tmp, `${file}.json`);
  writeFileSync(json, JSON.stringify(snap));
  const r = view([json, '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const { page, problems } = await open(html);
  try {
    const states = await page.$$eval('.slot[data-slot]', (cells) => cells.map((c) => (c as HTMLElement).dataset.state));
    assert.equal(states.length, units.length * 8, 'one cell per slot of the snapshot');
    assert.deepEqual(states.join(''), units.map((u) => u.states.join('')).join(''));

    const full = units.flatMap((u, ui) => u.states.flatMap((s, j) => (s === 'F' ? [ui * 8 + j] : [])));
    assert.ok(full.length > 0);
    // Hover: the first, the last and a middle full slot.
    for (const i of [full[0], full[Math.floor(full.length / 2)], full[full.length - 1]]) {
      await page.hover(`.slot[data-slot="${i}"]`);
      const text = await page.textContent('#details');
      assert.ok(text!.includes(`key ${JSON.stringify(units[Math.floor(i / 8)].keys[i % 8])} `), `slot ${i}: ${text}`);
    }
    // Keyboard: focus the first slot, move right and down, the details follow. The pointer leaves the
    // grid first: left over a slot, a scroll that brings the focused slot into view would hover another.
    // From the slot one row up and one column left of a full slot (a row is a unit's 8 slots).
    const at = full.find((i) => i >= 9 && i % 8 !== 0)!;
    await page.mouse.move(0, 0);
    await page.focus(`.slot[data-slot="${at - 9}"]`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.slot), String(at));
    const want = `key ${JSON.stringify(units[Math.floor(at / 8)].keys[at % 8])}`;
    const shown = await page
      .waitForFunction((w) => document.querySelector('#details')?.textContent?.includes(w) ?? false, want, { timeout: 5000 })
      .then(() => true, () => false);
    assert.ok(shown, `details after the keys: ${await page.textContent('#details')}`);
    assert.ok((await page.getAttribute(`.slot[data-slot="${at}"]`, 'aria-label'))!.includes(want), 'text alternative names the key');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
}

/** The snapshot text (line 2) of a real Go 1.23 amd64 classic recording. */
const classicText = (name: string) => readRecording(recordingFile('1.23-amd64-fallback', name)).snapshot;
const classicFixture = (name: string) => JSON.parse(classicText(name)) as Record<string, unknown>;

function swissFixture(name: string, go: string, arch: string, mode: string): Record<string, unknown> {
  return JSON.parse(readRecording(fixtureName(join(SCENARIOS, `${name}.json`), go, arch, mode)).snapshot) as Record<string, unknown>;
}

test('classic map mid-grow (real Go 1.23 amd64): slots, states and keys as the runtime left them', async () => {
  const snap = classicFixture('int64-mid-grow-27');
  assert.ok(snap.oldbuckets, 'the fixture is mid-grow');
  await checkMemoryPage('classic-mid-grow', snap);
  await compareScreenshot(join(tmp, 'classic-mid-grow.html'), 'classic-mid-grow', async (p) => {
    await p.hover('.slot[data-slot="0"]');
  });
});

test('Swiss map with several tables (real Go 1.24 amd64): slots, states and keys as the runtime left them', async () => {
  const snap = swissFixture('int64-splits-1900', '1.24', 'amd64', 'fallback');
  assert.ok((snap.tables as unknown[]).length > 1, 'the fixture has several tables');
  await checkMemoryPage('swiss-tables', snap);
});

test('a finding is listed and selecting it highlights its slot', async () => {
  // The first full slot of a bucket's first unit in the real snapshot: its tophash
  // plus one is still a full slot's tophash but not the key's, a finding at that
  // slot, which the page lists as (units before it) × 8 + slot.
  const snap = classicFixture('int64-mid-grow-27');
  const buckets = snap.buckets as { tophash: number[]; keys: unknown[] }[][];
  let unit = 0;
  let pick: { b: number; s: number; unit: number } | undefined;
  for (let b = 0; b < buckets.length && !pick; unit += buckets[b].length, b++) {
    const s = buckets[b][0].tophash.findIndex((t) => t >= 5 && t < 255);
    if (s >= 0) pick = { b, s, unit };
  }
  assert.ok(pick, 'a full slot');
  const slot = String(pick.unit * 8 + pick.s);
  const key = buckets[pick.b][0].keys[pick.s];
  buckets[pick.b][0].tophash[pick.s]++;
  const json = join(tmp, 'finding.json');
  const html = join(tmp, 'finding.html');
  writeFileSync(json, JSON.stringify(snap));
  assert.equal(view([json, '-o', html]).status, 0);
  const { page, problems } = await open(html);
  try {
    const buttons = await page.$$('button[data-finding]');
    assert.ok(buttons.length >= 1, 'the finding is listed with a link to its slot');
    // By keyboard: a pointer left over the grid would show the hovered slot instead.
    await buttons[0].focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await page.$$eval('.slot.hl', (c) => c.map((x) => (x as HTMLElement).dataset.slot)), [slot]);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.slot), slot);
    const details = (await page.textContent('#details'))!;
    assert.ok(details.includes(`key ${JSON.stringify(key)} `), details);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

/** The page's unit index of a classic bucket: units follow the snapshot's order (buckets then oldbuckets, each chain in order). */
function classicUnit(snap: Record<string, unknown>, array: 'buckets' | 'oldbuckets', bucket: number): number {
  type C = unknown[][];
  const before = array === 'buckets' ? 0 : (snap.buckets as C).reduce((n, c) => n + c.length, 0);
  return before + (snap[array] as C).slice(0, bucket).reduce((n, c) => n + c.length, 0);
}

/**
 * Selects the finding of `code` at slot `slot` and checks the two marks: the finding's slot (solid outline, "finding"
 * label) and every slot of the unit its key belongs in (dashed outline, "home" label), and the `check --json` location.
 */
async function selectMisplaced(name: string, snap: Record<string, unknown>, code: string, slot: number, home: number, homeLabel: string): Promise<void> {
  const json = join(tmp, `${name}.json`);
  const html = join(tmp, `${name}.html`);
  writeFileSync(json, JSON.stringify(snap));
  const r = view([json, '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const { page, problems } = await open(html);
  try {
    const findings = await page.evaluate(() => (JSON.parse(document.getElementById('mapscope-data')!.textContent!) as { findings: { code: string; slot?: number }[] }).findings);
    const n = findings.findIndex((f) => f.code === code && f.slot === slot);
    assert.ok(n >= 0, `a ${code} finding at slot ${slot}: ${JSON.stringify(findings)}`);
    await page.click(`button[data-finding="${n}"]`);
    assert.deepEqual(await page.$$eval('.slot.hl', (c) => c.map((x) => Number((x as HTMLElement).dataset.slot))), [slot], 'the finding\'s slot');
    assert.deepEqual(await page.$$eval('.slot.home', (c) => c.map((x) => Number((x as HTMLElement).dataset.slot))), Array.from({ length: 8 }, (_, j) => home * 8 + j), 'the slots of the unit its key belongs in');
    // The second cue beside the colours: labels on the two rows, and the text alternatives.
    const rows = await page.$$eval('.row', (rs) => rs.filter((x) => x.querySelector('.tag')).map((x) => x.querySelector('[role="rowheader"]')!.textContent!));
    assert.ok(rows.some((t) => t.startsWith(homeLabel) && t.includes('home of the finding\'s key')), `home row labelled: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((t) => t.includes(`finding: slot ${slot % 8}`)), `finding row labelled: ${JSON.stringify(rows)}`);
    assert.match((await page.getAttribute(`.slot[data-slot="${home * 8}"]`, 'aria-label'))!, /belongs in/);
    assert.match((await page.textContent('#details'))!, /belongs in/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
  // check --json carries the same home, structured (docs/json.md).
  const c = spawnSync(process.execPath, [join(REPO, 'bin', 'mapscope.js'), 'check', json, '--json'], { encoding: 'utf8' });
  assert.equal(c.status, 1, c.stderr);
  const homes = (JSON.parse(c.stdout) as { maps: { findings: { code: string; location: { home?: { text: string } } }[] }[] }).maps[0].findings.filter((f) => f.code === code).map((f) => f.location.home?.text ?? '');
  assert.ok(homes.some((t) => t.startsWith(homeLabel)), `check --json homes: ${JSON.stringify(homes)}`);
}

test('a misplaced key\'s finding highlights its slot and, apart, the bucket its key belongs in (real Go 1.23 snapshot mid-grow)', async () => {
  // The real runtime (Go 1.23 amd64, 27 inserts, caught doubling from 4 to 8 buckets with nevacuate 2) left
  // key 10 in bucket 0 slot 0 and key 2 in bucket 1 slot 0. Each sits where the runtime put it, so bucket 0 is
  // key 10's home: hash & 7 = 0. A lookup during the grow first asks old bucket hash & 3 = 0, which is evacuated
  // (its first tophash is a mark; mapassign's growWork evacuates a key's old bucket before inserting into the new
  // array), so mapaccess1 looks in bucket 0 of the new array. Swapping the two slots (tophash, key, elem) puts
  // key 10 in bucket 1 slot 0: a classic/key-bucket finding at page slot 1 × 8 + 0 whose home is bucket 0.
  const snap = classicFixture('int64-mid-grow-27');
  const bs = snap.buckets as { tophash: number[]; keys: unknown[]; elems: unknown[] }[][];
  const olds = snap.oldbuckets as { tophash: number[]; keys: unknown[] }[][];
  assert.deepEqual([bs[0][0].keys[0], bs[1][0].keys[0]], [10, 2]);
  assert.ok(olds[0][0].tophash[0] >= 2 && olds[0][0].tophash[0] <= 4, 'old bucket 0 is evacuated');
  const [x, y] = [bs[0][0], bs[1][0]];
  [x.tophash[0], y.tophash[0]] = [y.tophash[0], x.tophash[0]];
  [x.keys[0], y.keys[0]] = [y.keys[0], x.keys[0]];
  [x.elems[0], y.elems[0]] = [y.elems[0], x.elems[0]];
  await selectMisplaced('home-new', snap, 'classic/key-bucket', classicUnit(snap, 'buckets', 1) * 8, classicUnit(snap, 'buckets', 0), 'bucket 0');
});

test('during a grow, a key\'s home is the old bucket while that one is not yet evacuated (real Go 1.23 snapshot mid-grow)', async () => {
  // Same real snapshot: key 5 sits in old bucket 2 slot 0, which is not evacuated (tophash 106, not a mark 2–4):
  // the runtime placed it by the old mask, hash & 3 = 2, and mapaccess1 looks there while bucket 2 is unevacuated.
  // Moving it (tophash, key, elem) to the new array's bucket 0, slot 3 (the first emptyRest; 0 ≠ 2 or 6, the only
  // new buckets hash & 7 can be), and leaving emptyOne (1, not a mark: old bucket 2 stays unevacuated) behind,
  // gives a classic/key-bucket finding at page slot 3 whose home is old bucket 2.
  const snap = classicFixture('int64-mid-grow-27');
  const bs = snap.buckets as { tophash: number[]; keys: unknown[]; elems: unknown[] }[][];
  const olds = snap.oldbuckets as { tophash: number[]; keys: unknown[]; elems: unknown[] }[][];
  const ob = olds[2][0];
  assert.deepEqual([ob.keys[0], ob.tophash[0]], [5, 106]);
  assert.deepEqual(bs[0][0].tophash.slice(3), [0, 0, 0, 0, 0]);
  const b0 = bs[0][0];
  [b0.tophash[3], b0.keys[3], b0.elems[3]] = [ob.tophash[0], ob.keys[0], ob.elems[0]];
  [ob.tophash[0], ob.keys[0], ob.elems[0]] = [1, 0, 0];
  await selectMisplaced('home-old', snap, 'classic/key-bucket', classicUnit(snap, 'buckets', 0) * 8 + 3, classicUnit(snap, 'oldbuckets', 2), 'oldbucket 2');
});

test('a Swiss key in the wrong table: its finding highlights its slot and, apart, the group its probe starts at (real Go 1.24)', async () => {
  // The real runtime (Go 1.24 amd64, 1900 inserts, no deletes) left four tables, table i at directory[i] (localDepth
  // = globalDepth = 2): a key in table 0 has hash >> 62 = 0. Inserts put a key in the first group of its probe
  // sequence (table.go: offsets p, p+1, p+3, p+6, … mod 128) with an empty slot, and with no deletes a group only
  // fills up, so a key sits in a group other than its probe start p only when p and the groups after it on the
  // sequence were full when it came, and are full now. The test finds, from the real groups, a key of table 0 in
  // a group that no probe from a now-full group can reach: its group is its probe start. Swapping it (ctrl, key,
  // elem) with the first key of table 1 gives a swiss/directory-placement finding at that slot of table 1 whose
  // home is table 0 and that group.
  const snap = swissFixture('int64-splits-1900', '1.24', 'amd64', 'fallback');
  type G = { ctrl: number[]; keys: unknown[]; elems: unknown[] };
  const tables = snap.tables as { localDepth: number; groups: G[] }[];
  assert.deepEqual(snap.directory, [0, 1, 2, 3]);
  assert.ok(tables.every((t) => t.localDepth === 2));
  const t0 = tables[0].groups;
  const full = (g: G) => g.ctrl.every((c) => c < 0x80);
  assert.ok(t0.every((g) => g.ctrl.every((c) => c !== 0xfe)), 'no tombstones');
  const mask = t0.length - 1;
  const reachable = new Set<number>();
  t0.forEach((g, p) => {
    if (!full(g)) return;
    for (let i = 1, off = p; i <= mask; i++) {
      off = (off + i) & mask;
      reachable.add(off);
      if (!full(t0[off])) break;
    }
  });
  const g0 = t0.findIndex((g, i) => !reachable.has(i) && g.ctrl[0] < 0x80);
  assert.ok(g0 >= 0);
  const t1 = tables[1].groups;
  const g1 = t1.findIndex((g) => g.ctrl[0] < 0x80);
  const [x, y] = [t0[g0], t1[g1]];
  [x.ctrl[0], y.ctrl[0]] = [y.ctrl[0], x.ctrl[0]];
  [x.keys[0], y.keys[0]] = [y.keys[0], x.keys[0]];
  [x.elems[0], y.elems[0]] = [y.elems[0], x.elems[0]];
  // Page units: table 0's groups, then table 1's.
  await selectMisplaced('home-swiss', snap, 'swiss/directory-placement', (t0.length + g1) * 8, g0, `table 0 group ${g0}`);
});

interface RealLayout {
  maps: { type: string; bucket?: RealStruct; group?: RealStruct & { slot: RealStruct } }[];
}
interface RealStruct {
  size: number;
  fields: { name: string; offset: number; size: number }[];
}

test('layout strips match the layouts real compilers produced (Go 1.23/1.24 × amd64/arm64)', async () => {
  const type = 'map[struct{a int8; b int64}][]string';
  const html = join(tmp, 'layout.html');
  const r = view(['--layout', type, '--go', '1.23,1.24', '--arch', 'amd64,arm64', '-o', html]);
  assert.equal(r.status, 0, r.stderr);
  const { page, problems } = await open(html);
  try {
    const strips = await page.$$('.strip');
    assert.equal(strips.length, 4);
    const files = ['go1.23.5-amd64', 'go1.23.5-arm64', 'go1.24.4-amd64', 'go1.24.4-arm64'];
    for (const [n, f] of files.entries()) {
      const real = (JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'layout', `${f}.json`), 'utf8')) as RealLayout).maps.find((m) => m.type === type)!;
      const segs = await strips[n].$$eval('.seg', (s) => s.map((x) => ({ kind: x.getAttribute('data-kind')!, name: x.getAttribute('data-name')!, offset: Number(x.getAttribute('data-offset')), size: Number(x.getAttribute('data-size')) })));
      let size: number, fieldBytes: number, key1: number;
      if (real.bucket) {
        size = real.bucket.size;
        fieldBytes = real.bucket.fields.reduce((s, x) => s + x.size, 0);
        const keys = real.bucket.fields.find((x) => x.name === 'keys')!;
        key1 = keys.offset + keys.size / 8;
      } else {
        const g = real.group!;
        size = g.size;
        const slots = g.fields.find((x) => x.name === 'slots')!;
        fieldBytes = g.fields.find((x) => x.name === 'ctrl')!.size + 8 * g.slot.fields.reduce((s, x) => s + x.size, 0);
        key1 = slots.offset + g.slot.size + g.slot.fields.find((x) => x.name === 'key')!.offset;
      }
      assert.equal(await strips[n].getAttribute('data-bytes'), String(size), f);
      // The segments tile the unit exactly: contiguous, no overlap, nothing left out.
      let at = 0;
      for (const s of [...segs].sort((a, b) => a.offset - b.offset)) {
        assert.equal(s.offset, at, `${f}: ${s.name}`);
        at += s.size;
      }
      assert.equal(at, size, f);
      assert.equal(segs.filter((s) => s.kind === 'pad').reduce((x, s) => x + s.size, 0), size - fieldBytes, `${f}: padding`);
      assert.equal(segs.find((s) => s.name === 'key 1')!.offset, key1, `${f}: key 1`);
    }
    // A cache-line mark at every multiple of 64 inside the unit (1.23 amd64: the real bucket is 8 + 8×16 + 8×24 + 8 = 336 bytes).
    const size0 = Number(await strips[0].getAttribute('data-bytes'));
    assert.equal(size0, 336);
    assert.deepEqual(await strips[0].$$eval('.line', (l) => l.map((x) => x.textContent)), ['64', '128', '192', '256', '320']);
    assert.deepEqual(await strips[0].$$eval('.line.l128', (l) => l.map((x) => x.textContent)), ['128', '256']);
    assert.ok((await page.textContent('#differences'))!.length > 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
  await compareScreenshot(html, 'layout-4-targets');
});

test('bad input: one line, exit 2, no file written', () => {
  const full = classicText('int64-mid-grow-27');
  const snap = JSON.parse(full) as { buckets: { tophash: number[] }[][] };
  snap.buckets[3][0].tophash = [1, 2, 3];
  const cases: [string, string][] = [
    ['truncated.json', full.slice(0, full.length >> 1)],
    ['short-tophash.json', JSON.stringify(snap)],
    ['not-a-map.json', '{"impl": "btree"}'],
  ];
  for (const [name, text] of cases) {
    const json = join(tmp, name);
    const html = join(tmp, `${name}.html`);
    writeFileSync(json, text);
    const r = view([json, '-o', html]);
    assert.ok(assertBadInput(r.status, r.stderr, { what: name }).includes(json), `${name}: names the file`);
    assert.ok(!existsSync(html), `${name}: nothing written`);
  }
  // A file that cannot be written: exit 2 and no temporary file left behind.
  const good = join(tmp, 'mid-grow.json');
  writeFileSync(good, full);
  const r = view([good, '-o', join(tmp, 'no-such-dir', 'x.html')]);
  assertBadInput(r.status, r.stderr);
});

test('a large map is virtualised: few cells in the DOM, every slot reachable by keyboard, states as the snapshot', async () => {
  // 30,000 entries of a Swiss map (Go 1.24): 64 tables × 128 groups, over 8,000 rows, past the grid's
  // 3,000-row threshold. The page's own mechanics are tested here (its slots against the snapshot it was given).
  const scenario = join(tmp, 'big.json');
  writeFileSync(scenario, JSON.stringify({ go: '1.24', arch: 'amd64', type: 'map[int64]int64', ops: Array.from({ length: 30_000 }, (_, i) => ['insert', i + 1, i + 1]) }));
  const sim = spawnSync(process.execPath, [join(REPO, 'bin', 'mapscope.js'), 'sim', scenario, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(sim.status, 0, sim.stderr);
  const snap = JSON.parse(sim.stdout) as Record<string, unknown>;
  const units = unitsOf(snap);
  const states = units.flatMap((u) => u.states);
  const json = join(tmp, 'big.snap.json');
  const html = join(tmp, 'big.html');
  writeFileSync(json, sim.stdout);
  assert.equal(view([json, '-o', html]).status, 0);
  const { page, problems } = await open(html);
  try {
    assert.equal(await page.getAttribute('.gridbox', 'data-slots'), String(states.length));
    assert.ok(await page.$('.gridbox.virtual'), 'virtualised');
    const drawn = await page.$$eval('.slot[data-slot]', (c) => c.map((x) => [Number((x as HTMLElement).dataset.slot), (x as HTMLElement).dataset.state!] as [number, string]));
    assert.ok(drawn.length > 0 && drawn.length < 2000, `${drawn.length} cells in the DOM`);
    for (const [i, s] of drawn) assert.equal(s, states[i], `slot ${i}`);
    const rows = Number(await page.getAttribute('.gridbox', 'aria-rowcount'));
    assert.equal(rows, units.length + (snap.tables as unknown[]).length, 'a row per group and per table heading');
    // Keyboard: End reaches the last slot (drawn on the way), Home the first, Page Down a screenful on.
    await page.mouse.move(0, 0);
    await page.focus('.slot[data-slot="0"]');
    await page.keyboard.press('End');
    const last = states.length - 1;
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.slot), String(last));
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.state), states[last]);
    const u = units[units.length - 1];
    assert.ok((await page.textContent('#details'))!.startsWith(`table ${(snap.tables as unknown[]).length - 1} group ${(snap.tables as { groups: unknown[] }[]).at(-1)!.groups.length - 1} slot 7`));
    if (u.states[7] === 'F') assert.ok((await page.textContent('#details'))!.includes(`key ${JSON.stringify(u.keys[7])} `));
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.slot), '0');
    await page.keyboard.press('PageDown');
    const down = Number(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.slot));
    assert.ok(down > 8 && down % 8 === 0, `Page Down moved to slot ${down}`);
    assert.equal(await page.$$eval('[tabindex="0"]', (c) => c.length), 1, 'one cell in the tab order');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('tour --html: the tour\'s maps in one page, one tab each, no errors', async () => {
  const html = join(tmp, 'tour.html');
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'mapscope.js'), 'tour', '--html', html], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mapscope view/);
  const { page, problems } = await open(html);
  try {
    const tabs = await page.$$('[role="tab"]');
    assert.equal(tabs.length, 3);
    // The classic tour map: 28 inserts, so 28 steps after make.
    assert.equal(await page.getAttribute('#step', 'max'), '28');
    await tabs[1].click();
    assert.equal(await page.getAttribute('body', 'data-view'), '1');
    assert.match((await page.textContent('#stepinfo'))!, /^Step 0 of 28: make/);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('body', 'data-view'), '2');
    assert.equal(await page.$$eval('.strip', (s) => s.length), 6, 'the tour\'s six targets');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
