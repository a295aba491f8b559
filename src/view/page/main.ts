/**
 * The browser side of `mapscope view`: reads the JSON embedded in the page
 * (src/view/data.ts) and draws either a map's memory (units of 8 slots in a
 * grid, one focusable cell per slot, arrow keys move between slots) or
 * layouts (byte strips with cache-line marks). Every slot's state is shown
 * by colour and by its letter; every cell has a text alternative.
 */
import { STATE_NAMES, type LayoutView, type MemoryView, type SlotState, type ViewData } from '../data.js';

const SLOTS = 8;
/** Units per chunk of the grid (one content-visibility box). */
const CHUNK = 128;

const stateClass = (s: SlotState) => (s === '?' ? 's-bad' : `s-${s}`);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function legend(): HTMLElement {
  const ul = el('ul', { class: 'legend', 'aria-label': 'slot states' });
  for (const [s, name] of Object.entries(STATE_NAMES)) {
    const li = el('li');
    li.append(el('span', { class: `slot ${stateClass(s as SlotState)}`, 'aria-hidden': 'true' }, s), el('span', {}, name));
    ul.append(li);
  }
  return ul;
}

function memoryView(app: HTMLElement, d: MemoryView): void {
  const total = d.states.length;
  const counts = new Map<string, number>();
  for (const c of d.states) counts.set(c, (counts.get(c) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${STATE_NAMES[s as SlotState]}`).join(', ');
  app.append(
    el('p', { class: 'meta', id: 'summary' }, `${d.impl === 'classic' ? 'Classic' : 'Swiss'} map ${d.type}, ${d.target}, ${d.count} entries; ${d.units.length} ${d.impl === 'classic' ? 'buckets' : 'groups'}, ${total} slots: ${summary}.`),
  );
  const hdr = el('table', { class: 'hdr', 'aria-label': 'map header' });
  const row = el('tr');
  for (const [k, v] of d.header) row.append(el('td', {}, `${k} ${v}`));
  hdr.append(row);
  app.append(hdr, legend());
  const details = el('div', { id: 'details', role: 'status', 'aria-live': 'polite' }, 'Hover or focus a slot (Tab, then arrow keys) to see its key, elem, tophash and offset.');
  app.append(details);

  const cells: HTMLElement[] = new Array<HTMLElement>(total);
  const describe = (i: number): string => {
    const u = d.units[Math.floor(i / SLOTS)];
    const s = d.states[i] as SlotState;
    const code = d.impl === 'classic' ? `tophash ${d.ctrl[i]}` : `ctrl 0x${d.ctrl[i].toString(16).padStart(2, '0')}${s === 'F' ? ` (H2 ${d.ctrl[i]})` : ''}`;
    const stale = s === 'F' ? '' : ' (stale bytes)';
    return `${u.label} slot ${i % SLOTS}: ${STATE_NAMES[s]}\nkey ${d.keys[i]}${stale}   elem ${d.elems[i]}${stale}\n${code}   key at ${d.where[i]} (snapshot: addresses are not recorded)`;
  };
  const show = (i: number) => {
    details.textContent = describe(i);
    details.dataset.slot = String(i);
  };

  let current = 0;
  const focusSlot = (i: number) => {
    if (i < 0 || i >= total) return;
    cells[current].tabIndex = -1;
    current = i;
    cells[i].tabIndex = 0;
    cells[i].focus();
  };

  // Rows are written as HTML text in chunks of CHUNK units (one grid each): far faster than an element
  // at a time for large maps, and `content-visibility: auto` lets the browser skip laying out chunks
  // off screen. Hover and focus are delegated to the container.
  const esc = (t: string) => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  for (const sec of d.sections) {
    app.append(el('h2', {}, sec.title));
    const grid = el('div', { role: 'grid', 'aria-label': sec.title });
    for (let c0 = sec.first; c0 < sec.first + sec.count; c0 += CHUNK) {
      const end = Math.min(c0 + CHUNK, sec.first + sec.count);
      const html: string[] = [];
      for (let u = c0; u < end; u++) {
        html.push(`<div role="row" style="display: contents"><div class="unit" role="rowheader">${esc(d.units[u].label)}</div>`);
        for (let j = 0; j < SLOTS; j++) {
          const i = u * SLOTS + j;
          const s = d.states[i] as SlotState;
          html.push(`<div class="slot ${stateClass(s)}" role="gridcell" data-slot="${i}" data-state="${esc(s)}" tabindex="${i === 0 ? 0 : -1}" aria-label="${esc(describe(i).replace(/\n/g, '; '))}">${esc(s)}</div>`);
        }
        html.push('</div>');
      }
      const chunk = el('div', { class: 'grid chunk', role: 'rowgroup', style: `contain-intrinsic-size: auto ${(end - c0) * 26}px` });
      chunk.innerHTML = html.join('');
      grid.append(chunk);
    }
    app.append(grid);
  }
  for (const c of app.querySelectorAll<HTMLElement>('.slot[data-slot]')) cells[Number(c.dataset.slot)] = c;
  const slotOf = (ev: Event) => (ev.target as HTMLElement).dataset?.slot;
  app.addEventListener('mouseover', (ev) => {
    const i = slotOf(ev);
    if (i !== undefined) show(Number(i));
  });
  app.addEventListener('focusin', (ev) => {
    const i = slotOf(ev);
    if (i !== undefined) show(Number(i));
  });

  app.addEventListener('keydown', (ev) => {
    const t = ev.target as HTMLElement;
    if (!t.dataset.slot) return;
    const i = Number(t.dataset.slot);
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -SLOTS, ArrowDown: SLOTS };
    if (ev.key in step) focusSlot(i + step[ev.key]);
    else if (ev.key === 'Home') focusSlot(0);
    else if (ev.key === 'End') focusSlot(total - 1);
    else return;
    ev.preventDefault();
  });

  app.append(el('h2', {}, `Findings (${d.findings.length})`));
  if (d.findings.length === 0) app.append(el('p', { id: 'no-findings' }, `mapscope check found every checked invariant intact.${d.unchecked.length ? ' Not checked: ' + d.unchecked.join('; ') : ''}`));
  const ul = el('ul', { class: 'findings' });
  d.findings.forEach((f, n) => {
    const li = el('li');
    const text = `${f.severity} ${f.code}: ${f.message}`;
    if (f.slot === undefined) li.textContent = text;
    else {
      const b = el('button', { type: 'button', 'data-finding': String(n) }, text);
      b.addEventListener('click', () => {
        for (const c of app.querySelectorAll('.slot.hl')) c.classList.remove('hl');
        cells[f.slot!].classList.add('hl');
        focusSlot(f.slot!);
      });
      li.append(b);
    }
    ul.append(li);
  });
  app.append(ul);
}

function layoutView(app: HTMLElement, d: LayoutView): void {
  app.append(el('p', { class: 'meta' }, `Layout of ${d.type} on ${d.targets.map((t) => t.target).join(', ')}. Dashed marks every 64 bytes, solid every 128 (cache lines).`));
  const kinds = el('ul', { class: 'legend', 'aria-label': 'byte kinds' });
  for (const [k, name] of [['header', 'control / tophash'], ['key', 'key'], ['elem', 'elem'], ['overflow', 'overflow pointer'], ['pad', 'padding']]) {
    const li = el('li');
    li.append(el('span', { class: `slot k-${k}`, 'aria-hidden': 'true' }), el('span', {}, name));
    kinds.append(li);
  }
  app.append(kinds);
  const details = el('div', { id: 'details', role: 'status', 'aria-live': 'polite' }, 'Hover or focus a stretch of bytes to see its field, offset and size.');
  app.append(details);
  if (d.differences.length) {
    app.append(el('h2', {}, 'Differences'));
    const ul = el('ul', { id: 'differences' });
    for (const s of d.differences) ul.append(el('li', {}, s));
    app.append(ul);
  }
  const widest = Math.max(...d.targets.map((t) => t.size));
  for (const t of d.targets) {
    app.append(el('h2', {}, `${t.target}: ${t.unit} of ${t.size} bytes, ${t.padding} bytes of padding`));
    const strip = el('div', { class: 'strip', role: 'list', 'data-target': t.target, 'data-bytes': String(t.size), 'aria-label': `${t.target} ${t.unit} bytes`, style: `width: calc(${(100 * t.size) / widest}% - 2px)` });
    for (const s of t.segments) {
      const label = `${s.name}: bytes ${s.offset}–${s.offset + s.size - 1} (${s.size} bytes)`;
      const seg = el('div', { class: `seg k-${s.kind}`, role: 'listitem', tabindex: '0', 'aria-label': label, 'data-kind': s.kind, 'data-name': s.name, 'data-offset': String(s.offset), 'data-size': String(s.size), style: `left: ${(100 * s.offset) / t.size}%; width: ${(100 * s.size) / t.size}%` }, s.name);
      seg.addEventListener('mouseenter', () => (details.textContent = `${t.target}: ${label}`));
      seg.addEventListener('focus', () => (details.textContent = `${t.target}: ${label}`));
      strip.append(seg);
    }
    for (let off = 64; off < t.size; off += 64) {
      const m = el('div', { class: `line${off % 128 === 0 ? ' l128' : ''}`, 'aria-hidden': 'true', style: `left: ${(100 * off) / t.size}%` });
      m.append(el('span', {}, String(off)));
      strip.append(m);
    }
    app.append(strip);
  }
}

function main(): void {
  const app = document.getElementById('app')!;
  const d = JSON.parse(document.getElementById('mapscope-data')!.textContent!) as ViewData;
  if (d.kind === 'memory') memoryView(app, d);
  else layoutView(app, d);
  document.body.dataset.ready = 'true';
}

main();
