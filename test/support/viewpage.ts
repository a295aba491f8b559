/**
 * `mapscope view` pages (and the profile/gctrace charts) in a real headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core), for the view tests: the
 * browser, a page opened with every console error, page error and network
 * request collected, the CLI run as a user runs it, and screenshots compared
 * with committed references within a pixel tolerance (pixelmatch).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'mapscope.js');
const CHROMIUM = '/usr/bin/chromium';

export function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    // Fixed, so screenshots compare with the committed references.
    viewport: { width: 1000, height: 700 },
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** `mapscope view ARGS` in a child process, as a user runs it. */
export function view(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'view', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stderr: r.stderr };
}

/**
 * Opens a written report; collects console errors, page errors and any
 * request that is not the file itself. `ready`: the element that says the
 * page is drawn (a bare SVG file has no body: pass 'svg').
 */
export async function open(ctx: BrowserContext, file: string, ready = 'body[data-ready="true"]'): Promise<{ page: Page; problems: string[] }> {
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
  await page.waitForSelector(ready, { timeout: 30_000 });
  return { page, problems };
}

const SHOTS = join(REPO, 'test', 'fixtures', 'view');
/** Pixels that may differ (font hinting, antialiasing): 0.5% of the image, each compared with pixelmatch's default threshold. */
const MAX_DIFF_RATIO = 0.005;

/** Screenshots `html` at a fixed size and compares it with the committed reference `name`.png (MAPSCOPE_UPDATE_SCREENSHOTS=1 rewrites it). */
export async function compareScreenshot(ctx: BrowserContext, html: string, name: string, failDir: string, prepare?: (p: Page) => Promise<void>): Promise<void> {
  const page = await ctx.newPage();
  try {
    await page.goto(`file://${html}`);
    await page.waitForSelector('body[data-ready="true"]');
    if (prepare) await prepare(page);
    const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
    const ref = join(SHOTS, `${name}.png`);
    if (process.env.MAPSCOPE_UPDATE_SCREENSHOTS === '1') writeFileSync(ref, shot);
    assert.ok(existsSync(ref), `${ref} is missing: run with MAPSCOPE_UPDATE_SCREENSHOTS=1 to write it`);
    const a = PNG.sync.read(readFileSync(ref));
    const b = PNG.sync.read(shot);
    assert.deepEqual([b.width, b.height], [a.width, a.height]);
    const diff = new PNG({ width: a.width, height: a.height });
    const n = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.1 });
    if (n > MAX_DIFF_RATIO * a.width * a.height) {
      writeFileSync(join(failDir, `${name}.actual.png`), shot);
      writeFileSync(join(failDir, `${name}.diff.png`), PNG.sync.write(diff));
      assert.fail(`${name}: ${n} pixels differ from ${ref} (limit ${Math.floor(MAX_DIFF_RATIO * a.width * a.height)}); the diff and the actual image are in ${failDir}`);
    }
  } finally {
    await page.close();
  }
}
