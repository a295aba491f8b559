/**
 * The footprint plot: heap bytes against entries, both on log scales, one
 * line per target (the median seed), as a self-contained SVG.
 */
import type { TargetFootprint } from './summary.js';
import { human } from './report.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function footprintSvg(type: string, ts: readonly TargetFootprint[]): string {
  const W = 760;
  const H = 440;
  const M = { l: 80, r: 190, t: 40, b: 50 };
  const pts = ts.flatMap((t) => t.points.filter((p) => p.entries > 0 && p.bytes.median > 0));
  const xs = pts.map((p) => p.entries);
  const ys = pts.map((p) => p.bytes.median);
  const x0 = Math.floor(Math.log10(Math.min(...xs, 10)));
  const x1 = Math.ceil(Math.log10(Math.max(...xs, 100)));
  const y0 = Math.floor(Math.log10(Math.min(...ys, 10)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys, 100)));
  const X = (v: number) => M.l + ((Math.log10(v) - x0) / Math.max(x1 - x0, 1)) * (W - M.l - M.r);
  const Y = (v: number) => H - M.b - ((Math.log10(v) - y0) / Math.max(y1 - y0, 1)) * (H - M.t - M.b);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${esc(type)}: heap bytes by entries</title>`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${M.l}" y="24" font-size="14">${esc(type)}: heap bytes the map holds</text>`);
  for (let e = x0; e <= x1; e++) {
    const x = X(10 ** e).toFixed(1);
    out.push(`<line x1="${x}" y1="${M.t}" x2="${x}" y2="${H - M.b}" stroke="#ddd"/><text x="${x}" y="${H - M.b + 16}" text-anchor="middle">1e${e}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = Y(10 ** e).toFixed(1);
    out.push(`<line x1="${M.l}" y1="${y}" x2="${W - M.r}" y2="${y}" stroke="#ddd"/><text x="${M.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(human(10 ** e))}</text>`);
  }
  out.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 12}" text-anchor="middle">entries (log scale)</text>`);
  ts.forEach((t, i) => {
    const c = COLOURS[i % COLOURS.length];
    const p = t.points.filter((q) => q.entries > 0 && q.bytes.median > 0);
    const d = p.map((q, j) => `${j === 0 ? 'M' : 'L'}${X(q.entries).toFixed(1)},${Y(q.bytes.median).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const q of p) out.push(`<circle cx="${X(q.entries).toFixed(1)}" cy="${Y(q.bytes.median).toFixed(1)}" r="3" fill="${c}"><title>${esc(t.target)}: ${q.entries} entries, ${q.bytes.median} bytes</title></circle>`);
    const ly = M.t + 10 + i * 18;
    out.push(`<line x1="${W - M.r + 14}" y1="${ly}" x2="${W - M.r + 34}" y2="${ly}" stroke="${c}" stroke-width="2"/><text x="${W - M.r + 40}" y="${ly}" dominant-baseline="middle">${esc(t.target)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
