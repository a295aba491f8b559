/**
 * `profile --svg/--html` and `gctrace --svg/--html` in a real headless
 * Chromium (test/support/viewpage.ts): the pages and SVG files open with no
 * console errors, page errors or network requests; they hold one bar per
 * family and per map type, and one timeline point and one pause bar per GC
 * cycle; screenshots (the 1000×700 viewport, which holds the whole page) equal the committed references
 * (test/fixtures/view/*-chart.png) within the pixel tolerance.
 *
 * Inputs are real: test/fixtures/gctrace/go1.26.log (gosrc/mapcost under
 * go1.26.10, 18 cycles: counted below from the log's own lines, not by
 * mapscope's parser), and test/fixtures/profile/mapattr-1.26-amd64-cpu.pb.gz, a
 * CPU profile of gosrc/mapattr built by go1.26.10 (Go builds are
 * reproducible, so the build the test makes is the profiled binary; were it
 * not, `--binary` would refuse it). The six map types gosrc/mapattr keeps hot
 * are known from its source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, browserSuite, open as openReport, compareScreenshot } from './support/viewpage.js';
import { buildGosrc } from './support/mapcost.js';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { assertBadInput } from './support/badinput.js';

const PROFILE = join(REPO, 'test', 'fixtures', 'profile', 'mapattr-1.26-amd64-cpu.pb.gz');
const GCLOG = join(REPO, 'test', 'fixtures', 'gctrace', 'go1.26.log');
const KNOWN = ['map[string]int', 'map[uint64]*main.rec', 'map[uint32]string', 'map[[3]int32]float64', 'map[main.A]int', 'map[main.B]int'];

const suite = browserSuite('charts');
const tmp = suite.tmp;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test('profile --html/--svg: one bar per family and per map type, no errors, screenshot as committed', async () => {
  const exe = buildGosrc('mapattr', '1.26');
  const html = join(tmp, 'profile.html');
  const svg = join(tmp, 'profile.svg');
  const r = await run(['profile', PROFILE, '--binary', exe, '--html', html, '--svg', svg, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { families: unknown[]; byType: { types: { mapType: string }[]; unattributed: unknown[] } };
  for (const file of [html, svg]) {
    const { page, problems } = await openReport(suite.ctx, file, file.endsWith('.svg') ? 'svg' : undefined);
    try {
      assert.equal(await page.locator('svg[data-chart="family"] rect.bar').count(), j.families.length, `${file}: family bars`);
      assert.equal(await page.locator('svg[data-chart="type"] rect.bar').count(), j.byType.types.length + j.byType.unattributed.length, `${file}: type bars`);
      const labels = await page.locator('svg[data-chart="type"] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
      for (const k of KNOWN) assert.ok(labels.includes(k), `${file}: a bar for ${k}`);
      // Every bar is drawn (non-zero width for a non-zero value) inside the picture.
      const widths = await page.locator('rect.bar').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('width')), Number(e.getAttribute('data-value'))]));
      for (const [w, v] of widths) assert.ok(v === 0 || w >= 1, 'a non-zero bar is visible');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
  await compareScreenshot(suite.ctx, html, 'profile-chart', tmp);
});

test('gctrace --html/--svg: one timeline point and one pause bar per cycle, no errors, screenshot as committed', async () => {
  const cycles = readFileSync(GCLOG, 'utf8').split('\n').filter((l) => /^gc \d+ @/.test(l)).length;
  assert.equal(cycles, 18);
  const html = join(tmp, 'gc.html');
  const svg = join(tmp, 'gc.svg');
  const r = await run(['gctrace', GCLOG, '--html', html, '--svg', svg]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  for (const file of [html, svg]) {
    const { page, problems } = await openReport(suite.ctx, file, file.endsWith('.svg') ? 'svg' : undefined);
    try {
      for (const line of ['heap', 'goal']) {
        const pts = await page.locator(`svg[data-chart="gc"] polyline.${line}`).getAttribute('points');
        assert.equal(pts!.trim().split(/\s+/).length, cycles, `${file}: ${line} points`);
      }
      assert.equal(await page.locator('svg[data-chart="gc"] rect.pause').count(), cycles, `${file}: pause bars`);
      assert.equal(await page.locator('svg[data-chart="gc"] circle.assist').count(), cycles, `${file}: assist points (every cycle recorded mark CPU)`);
      assert.equal(await page.locator('svg[data-chart="gc"] line.threshold').count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
  await compareScreenshot(suite.ctx, html, 'gctrace-chart', tmp);
});

test('--svg to an unwritable place: exit 2, one line, nothing written', async () => {
  const r = await run(['gctrace', GCLOG, '--svg', join(tmp, 'no-such-dir', 'x.svg')]);
  assertBadInput(r.code, r.stderr, { want: /x\.svg: cannot write/, stdout: r.stdout });
});
