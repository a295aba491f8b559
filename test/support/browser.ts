/**
 * A real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) for tests of the pages mapscope writes (view, profile and
 * gctrace charts): launching it at a fixed viewport, opening a written file
 * while recording every console error, page error and network request, and
 * comparing a screenshot with a committed reference within a pixel
 * tolerance (MAPSCOPE_UPDATE_SCREENSHOTS=1 rewrites the reference).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export const CHROMIUM = '/usr/bin/chromium';

/** A persistent context under `dir` with a fixed viewport, so screenshots compare with the committed references. */
export function launchBrowser(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    viewport: { width: 1000, height: 700 },
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens a written report; collects console errors, page errors and any request that is not the file itself. */
export async function openReport(ctx: BrowserContext, file: string, ready = 'body[data-ready="true"]'): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== `file://${file}`) problems.push(`request: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector(ready, { timeout: 10_000 });
  return { page, problems };
}

/** Pixels that may differ (font hinting, antialiasing): 0.5% of the image, each compared with pixelmatch's default threshold. */
const MAX_DIFF_RATIO = 0.005;

/**
 * Screenshots `html` (full page when `fullPage`) and compares it with the
 * reference `shots/name.png`; on a difference the actual shot goes to
 * `tmp` and the diff image to `diffDir`.
 */
export async function compareScreenshot(
  ctx: BrowserContext, html: string, shots: string, name: string,
  where: { tmp: string; diffDir: string; fullPage?: boolean }, prepare?: (p: Page) => Promise<void>,
): Promise<void> {
  const page = await ctx.newPage();
  try {
    await page.goto(`file://${html}`);
    await page.waitForSelector('body[data-ready="true"]');
    if (prepare) await prepare(page);
    const shot = await page.screenshot({ animations: 'disabled', caret: 'hide', fullPage: where.fullPage ?? false });
    const ref = join(shots, `${name}.png`);
    if (process.env.MAPSCOPE_UPDATE_SCREENSHOTS === '1') writeFileSync(ref, shot);
    assert.ok(existsSync(ref), `${ref} is missing: run with MAPSCOPE_UPDATE_SCREENSHOTS=1 to write it`);
    const a = PNG.sync.read(readFileSync(ref));
    const b = PNG.sync.read(shot);
    assert.deepEqual([b.width, b.height], [a.width, a.height]);
    const diff = new PNG({ width: a.width, height: a.height });
    const n = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.1 });
    if (n > MAX_DIFF_RATIO * a.width * a.height) {
      writeFileSync(join(where.tmp, `${name}.actual.png`), shot);
      writeFileSync(join(where.diffDir, `${name}.diff.png`), PNG.sync.write(diff));
      assert.fail(`${name}: ${n} pixels differ from ${ref} (limit ${Math.floor(MAX_DIFF_RATIO * a.width * a.height)}); the diff is ${name}.diff.png`);
    }
  } finally {
    await page.close();
  }
}
