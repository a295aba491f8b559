/**
 * The statistics panel: the walk's figures (load, overflow buckets, tables,
 * tombstones), the probe-length histogram as bars that carry their numbers
 * as text, and bytes by kind as src/footprint counted them.
 */
import type { Stats } from '../data.js';
import { el } from './dom.js';

export function statsPanel(host: HTMLElement, s: Stats): void {
  host.replaceChildren();
  host.append(el('h2', {}, 'Statistics'));
  const t = el('table', { class: 'figs', id: 'figures' });
  for (const [k, v] of s.figures) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, k), el('td', {}, v));
    t.append(tr);
  }
  host.append(t);

  host.append(el('h3', {}, 'Probe length'));
  if ('unknown' in s.probe) host.append(el('p', { id: 'probe-unknown' }, `Not known: ${s.probe.unknown}.`));
  else {
    const counts = s.probe.counts;
    const total = counts.reduce((a, b) => a + b, 0);
    const max = Math.max(1, ...counts);
    host.append(el('p', { class: 'meta' }, `Full slots by ${s.probe.unit}: ${total} keys.`));
    const ul = el('ul', { class: 'hist', id: 'probe', 'aria-label': `probe length histogram, ${s.probe.unit}` });
    counts.forEach((n, len) => {
      const li = el('li', { 'data-len': String(len), 'data-count': String(n) });
      li.append(el('span', { class: 'hlabel' }, String(len)), el('span', { class: 'bar', style: `width: ${(100 * n) / max}%`, 'aria-hidden': 'true' }), el('span', { class: 'hcount' }, `${n} (${total ? ((100 * n) / total).toFixed(1) : '0'}%)`));
      ul.append(li);
    });
    host.append(ul);
  }

  host.append(el('h3', {}, 'Bytes by kind'));
  if (typeof s.bytes === 'string') host.append(el('p', { id: 'bytes-unknown' }, s.bytes));
  else {
    const bt = el('table', { class: 'figs', id: 'bytes' });
    for (const [k, v] of s.bytes) {
      const tr = el('tr', { 'data-kind': k });
      tr.append(el('th', { scope: 'row' }, k), el('td', { class: 'num' }, String(v)));
      bt.append(tr);
    }
    host.append(bt, el('p', { class: 'meta' }, 'Heap bytes as the allocator gives them (size classes), counted as mapscope footprint counts them: over the engine\'s map in a replay, else read from the map\'s memory.'));
  }
}
