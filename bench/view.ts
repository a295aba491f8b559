/**
 * `npm run bench -- view [N...]`: how long a `mapscope view` page of a Swiss
 * map[int64]int64 filled with 1..N takes to become interactive in headless
 * Chromium (Debian's /usr/bin/chromium via playwright-core), from navigation
 * until the page marks itself ready; median of 3 loads.
 *
 * Baseline, in the same run: the same file with the page script removed,
 * so the browser only parses the document and its embedded data. The ratio
 * is what drawing the grid costs on top of reading the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'mapscope.js');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const tmp = mkdtempSync(path.join(tmpdir(), 'mapscope-bench-view-'));

function run(args: string[], out?: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`mapscope ${args.join(' ')}: ${r.stderr}`);
  if (out) writeFileSync(out, r.stdout);
  return performance.now() - t0;
}

/** Median of 3 loads: milliseconds to `ready`, and (the page's own marks) when its script started, parsed the data and drew. */
async function loadMs(ctx: BrowserContext, file: string, ready: string): Promise<{ ms: number; marks: number[] }> {
  const runs: { ms: number; marks: number[] }[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await ctx.newPage();
    const t0 = performance.now();
    await page.goto(`file://${file}`, { timeout: 300_000 });
    await page.waitForSelector(ready, { timeout: 300_000, state: 'attached' });
    const ms = performance.now() - t0;
    const marks = await page.evaluate(() => ['mapscope-start', 'mapscope-parsed', 'mapscope-drawn'].map((n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN));
    runs.push({ ms, marks });
    await page.close();
  }
  return runs.sort((a, b) => a.ms - b.ms)[1];
}

const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('entries  slots     file MB  view s  page s  baseline s  ratio  (page: script starts / data parsed / drawn, s after navigation)');
  for (const n of sizes.length ? sizes : [10_000, 100_000]) {
    const ops = Array.from({ length: n }, (_, i) => ['insert', i + 1, i + 1]);
    const scenario = path.join(tmp, `s${n}.json`);
    writeFileSync(scenario, JSON.stringify({ go: '1.24', arch: 'amd64', type: 'map[int64]int64', ops }));
    const snap = path.join(tmp, `s${n}.snap.json`);
    run(['sim', scenario, '--json'], snap);
    const html = path.join(tmp, `v${n}.html`);
    const viewMs = run(['view', snap, '-o', html]);
    const text = readFileSync(html, 'utf8');
    const slots = (/"states":"([^"]*)"/.exec(text)?.[1].length ?? 0);
    const bare = path.join(tmp, `b${n}.html`);
    writeFileSync(bare, text.replace(/<script>[\s\S]*<\/script>/, '<p id="bare">no script</p>'));
    const { ms: page, marks } = await loadMs(ctx, html, 'body[data-ready="true"]');
    const { ms: base } = await loadMs(ctx, bare, '#bare');
    console.log(
      `${String(n).padStart(7)}  ${String(slots).padStart(8)}  ${(statSync(html).size / 1e6).toFixed(1).padStart(7)}  ${(viewMs / 1000).toFixed(1).padStart(6)}  ${(page / 1000).toFixed(2).padStart(6)}  ${(base / 1000).toFixed(2).padStart(10)}  ${(page / base).toFixed(1).padStart(5)}×  (${marks.map((m) => (m / 1000).toFixed(2)).join(' / ')})`,
    );
  }
} finally {
  await ctx.close();
  rmSync(tmp, { recursive: true, force: true });
}
