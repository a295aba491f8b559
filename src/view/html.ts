/**
 * The self-contained HTML document: the page's styles, its data as JSON and
 * its script (src/view/page, bundled by esbuild into dist/page/view.js by
 * `npm run build`) inline, so the file needs no server and no network and
 * can be attached to a ticket. writeReport writes it whole or not at all.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../base/errors.js';
import type { ViewData } from './data.js';

/** dist/page/view.js, next to dist/src/view/html.js's grandparent. */
const BUNDLE = fileURLToPath(new URL('../../page/view.js', import.meta.url));

function bundle(): string {
  try {
    return readFileSync(BUNDLE, 'utf8');
  } catch {
    throw new InputError(BUNDLE, undefined, 'the page script is missing: run `npm run build` (it bundles src/view/page with esbuild)');
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const STYLE = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1b1b1b; background: #fff; }
body { margin: 1rem 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta { color: #444; margin: 0 0 .6rem; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: .35rem; }
.gridbox { position: relative; margin: .4rem 0 1rem; }
.gridbox.virtual { height: 70vh; overflow: auto; border: 1px solid #ccd; }
.gridinner { position: relative; }
.row { position: absolute; left: 0; height: 26px; display: grid; grid-template-columns: 13rem repeat(8, 1.9rem); gap: 2px; align-items: center; }
.row.sec { font-weight: bold; }
.sectitle { white-space: nowrap; font-size: .95rem; padding-top: 4px; }
.slot { width: 1.9rem; height: 1.6rem; border: 1px solid #555; display: flex; align-items: center; justify-content: center;
  font: bold 12px ui-monospace, monospace; cursor: default; box-sizing: border-box; }
.slot:focus { outline: 3px solid #0a58ca; outline-offset: 1px; }
.slot.hl { outline: 3px solid #d00; outline-offset: 1px; }
.slot.home { outline: 3px dashed #6a1b9a; outline-offset: 1px; }
.slot.hl.home { outline-style: double; }
.tags { position: absolute; left: calc(13rem + 8 * 1.9rem + 24px); white-space: nowrap; }
.tag { font: bold 10px ui-monospace, monospace; padding: 0 3px; margin-left: 4px; border-radius: 2px; }
.tag-hl { background: #d00; color: #fff; }
.tag-home { background: #fff; color: #6a1b9a; border: 2px dashed #6a1b9a; }
.s-F { background: #2e7d32; color: #fff; }
.s-E { background: #fff; color: #555; }
.s-R { background: repeating-linear-gradient(90deg, #fff 0 3px, #ddd 3px 5px); color: #333; }
.s-R, .s-D, .s-X, .s-Y, .s-Z { text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.s-D { background: repeating-linear-gradient(45deg, #f6c9c9 0 4px, #c62828 4px 6px); color: #000; }
.s-X { background: repeating-linear-gradient(0deg, #bbdefb 0 3px, #1565c0 3px 5px); color: #000; }
.s-Y { background: repeating-linear-gradient(90deg, #ffe0b2 0 3px, #ef6c00 3px 5px); color: #000; }
.s-Z { background: repeating-linear-gradient(135deg, #eee 0 3px, #999 3px 5px); color: #000; }
.s-bad { background: #000; color: #ff0; }
#details { position: sticky; top: 0; background: #f4f6f8; border: 1px solid #ccd; padding: .5rem .7rem; margin: .6rem 0; min-height: 3.2rem;
  font: 13px ui-monospace, monospace; white-space: pre-wrap; z-index: 1; }
.replay { display: flex; align-items: center; gap: .4rem; margin: .5rem 0; flex-wrap: wrap; }
.replay button { font-size: 1rem; min-width: 2.2rem; } .replay input { width: 20rem; }
#trace { background: #f4f6f8; border: 1px solid #ccd; padding: .4rem .6rem; font: 12px ui-monospace, monospace; max-height: 12rem; overflow: auto; }
table.figs { border-collapse: collapse; } table.figs th { text-align: left; font-weight: normal; color: #444; padding: 0 1rem 0 0; } table.figs td.num { text-align: right; font-family: ui-monospace, monospace; }
.hist { list-style: none; padding: 0; margin: 0; } .hist li { display: grid; grid-template-columns: 3rem 20rem auto; gap: .5rem; align-items: center; font: 12px ui-monospace, monospace; }
.hist .bar { display: block; height: .8rem; background: repeating-linear-gradient(90deg, #1565c0 0 6px, #0d47a1 6px 8px); }
.tabs { display: flex; gap: .3rem; margin: .4rem 0 .8rem; flex-wrap: wrap; }
.tabs [role="tab"] { font: inherit; padding: .3rem .7rem; border: 1px solid #889; background: #f4f6f8; }
.tabs [role="tab"][aria-selected="true"] { background: #0a58ca; color: #fff; border-color: #0a58ca; font-weight: bold; }
h3 { font-size: .95rem; margin: 1rem 0 .3rem; }
.findings li { margin: .2rem 0; } .findings button { font: inherit; text-align: left; }
table.hdr { border-collapse: collapse; font: 12px ui-monospace, monospace; } table.hdr td { padding: 0 .8rem 0 0; }
.strip { position: relative; height: 2.6rem; margin: .2rem 0 1.6rem; border: 1px solid #555; }
.seg { position: absolute; top: 0; bottom: 0; box-sizing: border-box; border-right: 1px solid #fff; font: 10px ui-monospace, monospace;
  overflow: hidden; white-space: nowrap; padding: 2px; }
.seg:focus { outline: 3px solid #0a58ca; z-index: 2; }
.k-header { background: #546e7a; color: #fff; } .k-key { background: #1565c0; color: #fff; } .k-elem { background: #2e7d32; color: #fff; }
.k-overflow { background: #6a1b9a; color: #fff; }
.k-pad { background: repeating-linear-gradient(45deg, #fff 0 4px, #e57373 4px 6px); color: #000; }
.line { position: absolute; top: -4px; bottom: -14px; border-left: 2px dashed #000; font: 10px ui-monospace, monospace; padding-left: 2px; }
.line.l128 { border-left: 3px solid #000; }
.line span { position: absolute; bottom: 0; left: 3px; }
`;

/** The whole document for `data`. */
export function renderHtml(data: ViewData, title: string): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const script = bundle().replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="app"><h1>${escapeHtml(title)}</h1><noscript>This page draws a Go map from the data embedded in it; it needs JavaScript.</noscript></main>
<script type="application/json" id="mapscope-data">${json}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Writes `html` to `file` through a temporary file and a rename: never a half-written report. */
export function writeReport(file: string, html: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(file, undefined, `cannot write: ${e instanceof Error ? e.message : String(e)}`);
  }
}
