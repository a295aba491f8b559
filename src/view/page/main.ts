/**
 * The browser side of `mapscope view`: reads the JSON embedded in the page
 * (src/view/data.ts) and draws a map's memory (grid.ts: units of 8 slots,
 * virtualised past a few thousand rows), a scenario's replay (a slider and
 * step buttons over the same grid, with the `sim --trace` text of the step),
 * or layouts (byte strips with cache-line marks). Every slot's state is shown
 * by colour and by its letter; every cell has a text alternative.
 */
import { DECODED_STATES, STATE_NAMES, TEXT_SEP, type LayoutView, type MemoryView, type ReplayView, type SlotState, type ViewData, type ViewFinding, type ViewSet } from '../data.js';
import { el, fromBase64 } from './dom.js';
import { Grid, stateClass, type Model } from './grid.js';
import { statsPanel } from './stats.js';

function legend(): HTMLElement {
  const ul = el('ul', { class: 'legend', 'aria-label': 'slot states' });
  for (const [s, name] of Object.entries(STATE_NAMES)) {
    const li = el('li');
    li.append(el('span', { class: `slot ${stateClass(s)}`, 'aria-hidden': 'true' }, s), el('span', {}, name));
    ul.append(li);
  }
  return ul;
}

/** Each unit's label: carried (classic chains), or "table 3 group 17" from its section. */
function labelsOf(d: MemoryView): (u: number) => string {
  if (d.units !== undefined) {
    const labels = d.units === '' ? [] : d.units.split('\n');
    return (u) => labels[u];
  }
  // Made when drawn: a million-entry map has a quarter of a million groups.
  const secOf = new Int32Array(d.unitCount);
  d.sections.forEach((s, si) => secOf.fill(si, s.first, s.first + s.count));
  return (u) => {
    const s = d.sections[secOf[u]];
    return s.unit === 'small group' ? s.unit : `${s.unit} ${u - s.first}`;
  };
}

/** The mutable slot model of a MemoryView (the encoded arrays decoded once). */
function decode(d: MemoryView): Model {
  const n = d.states.length;
  // ASCII letters: the encoder's bytes are the char codes, natively and at once.
  const states = new TextEncoder().encode(d.states);
  // Keys and elems are carried for decoded slots only, in slot order.
  const keys = d.keys === '' ? [] : d.keys.split(TEXT_SEP);
  const elems = d.elems === '' ? [] : d.elems.split(TEXT_SEP);
  const text = new Int32Array(n);
  const decoded = new Uint8Array(128);
  for (const c of DECODED_STATES) decoded[c.charCodeAt(0)] = 1;
  for (let i = 0, k = 0; i < n; i++) text[i] = decoded[states[i]] ? k++ : -1;
  return {
    impl: d.impl,
    unitWord: d.unitWord,
    keyOffsets: d.keyOffsets,
    units: d.unitCount,
    label: labelsOf(d),
    ...(d.unitAddrs !== undefined ? { addrs: d.unitAddrs === '' ? [] : d.unitAddrs.split('\n') } : {}),
    states,
    ctrl: fromBase64(d.ctrl),
    keys,
    elems,
    text,
    sections: d.sections,
  };
}

function summaryText(d: Pick<MemoryView, 'impl' | 'type' | 'target' | 'count'>, m: Model): string {
  const counts = new Int32Array(128);
  for (let i = 0; i < m.states.length; i++) counts[m.states[i]]++;
  const parts = Object.keys(STATE_NAMES).filter((s) => counts[s.charCodeAt(0)] > 0).map((s) => `${counts[s.charCodeAt(0)]} ${STATE_NAMES[s as SlotState]}`).join(', ');
  return `${d.impl === 'classic' ? 'Classic' : 'Swiss'} map ${d.type}, ${d.target}, ${d.count} entries; ${m.units} ${d.impl === 'classic' ? 'buckets' : 'groups'}, ${m.states.length} slots: ${parts}.`;
}

function headerTable(host: HTMLElement, header: readonly [string, string][]): void {
  const row = el('tr');
  for (const [k, v] of header) row.append(el('td', {}, `${k} ${v}`));
  const t = el('table', { class: 'hdr', 'aria-label': 'map header' });
  t.append(row);
  host.replaceChildren(t);
}

function findingsList(host: HTMLElement, findings: readonly ViewFinding[], unchecked: readonly string[], grid: Grid): void {
  host.replaceChildren(el('h2', {}, `Findings (${findings.length})`));
  if (findings.length === 0) host.append(el('p', { id: 'no-findings' }, `mapscope check found every checked invariant intact.${unchecked.length ? ' Not checked: ' + unchecked.join('; ') : ''}`));
  const ul = el('ul', { class: 'findings' });
  findings.forEach((f, n) => {
    const li = el('li');
    const home = f.homeText ? `${/[.!]$/.test(f.message) ? '' : '.'} Its key belongs in ${f.homeText}.` : '';
    const text = `${f.severity} ${f.code}: ${f.message}${home}`;
    if (f.slot === undefined) li.textContent = text;
    else {
      const b = el('button', { type: 'button', 'data-finding': String(n) }, text);
      b.addEventListener('click', () => {
        grid.highlight([f.slot!], f.home ?? -1);
        grid.focusSlot(f.slot!);
        if (f.homeText) grid.note(`The selected finding's key belongs in ${f.homeText}${f.home === undefined ? ' (not drawn)' : ', marked "home" with a dashed outline'}.`);
      });
      li.append(b);
    }
    ul.append(li);
  });
  host.append(ul);
}

/** The parts of a memory page: summary, header, legend, details, grid, findings, statistics. */
function memoryFrame(app: HTMLElement, title: string) {
  const summary = el('p', { class: 'meta', id: 'summary' });
  const header = el('div', { id: 'header' });
  const details = el('div', { id: 'details', role: 'status', 'aria-live': 'polite' }, 'Hover or focus a slot (Tab, then arrow keys, Home, End, Page Up, Page Down) to see its key, elem, tophash or control byte, and address.');
  app.append(summary, header, legend(), details);
  const grid = new Grid(app, details, title);
  const notes = el('ul', { id: 'notes' });
  const findings = el('section', { id: 'findings' });
  const stats = el('section', { id: 'stats', 'aria-label': 'statistics' });
  app.append(notes, findings, stats);
  return { summary, header, grid, notes, findings, stats };
}

function memoryView(app: HTMLElement, d: MemoryView): void {
  app.append(el('p', { class: 'meta', id: 'origin' }, d.name === 'snapshot' ? d.source : `${d.name} from ${d.source}`));
  const f = memoryFrame(app, `${d.type} slots`);
  const m = decode(d);
  f.grid.setModel(m);
  f.summary.textContent = summaryText(d, m);
  headerTable(f.header, d.header);
  for (const n of d.notes) f.notes.append(el('li', {}, n));
  findingsList(f.findings, d.findings, d.unchecked, f.grid);
  statsPanel(f.stats, d.stats);
}

function replayView(app: HTMLElement, d: ReplayView): void {
  app.append(el('p', { class: 'meta' }, `Replay of ${d.source}: ${d.frames.length - 1} operations on ${d.type}, ${d.target}. Step through with the slider or the buttons.`));
  const bar = el('div', { class: 'replay', role: 'group', 'aria-label': 'replay controls' });
  const mk = (id: string, text: string, label: string) => el('button', { type: 'button', id, 'aria-label': label }, text);
  const first = mk('first', '« first', 'first step');
  const prev = mk('prev', '‹ previous', 'previous step');
  const next = mk('next', 'next ›', 'next step');
  const last = mk('last', 'last »', 'last step');
  const slider = el('input', { type: 'range', id: 'step', min: '0', max: String(d.frames.length - 1), value: '0', 'aria-label': 'step' });
  const info = el('span', { id: 'stepinfo', 'aria-live': 'polite' });
  bar.append(first, prev, slider, next, last, info);
  const trace = el('pre', { id: 'trace', 'aria-label': 'trace of this step' });
  app.append(bar, trace);
  const f = memoryFrame(app, `${d.type} slots`);
  let at = -1;
  let model: Model | undefined;
  const go = (n: number) => {
    n = Math.max(0, Math.min(d.frames.length - 1, n));
    if (n === at) return;
    // From the nearest whole frame at or before n, then the diffs after it.
    let base = n;
    while (!('full' in d.frames[base])) base--;
    let start = base;
    if (model && at >= base && at < n) start = at + 1;
    else model = decode((d.frames[base] as { full: MemoryView }).full);
    let meta: Pick<MemoryView, 'count' | 'header' | 'findings' | 'stats' | 'sections'>;
    for (let k = start; k <= n; k++) {
      const fr = d.frames[k];
      if ('full' in fr) {
        if (k !== base) model = decode(fr.full);
        meta = fr.full;
        continue;
      }
      for (const [i, s, c, key, elem] of fr.diff) {
        model.states[i] = s.charCodeAt(0);
        model.ctrl[i] = c;
        if (key === '' && elem === '') model.text[i] = -1;
        else {
          model.text[i] = model.keys.length;
          model.keys.push(key);
          model.elems.push(elem);
        }
      }
      meta = fr;
    }
    // The metadata of the frame n itself (a diff frame carries its own).
    const own = d.frames[n];
    meta = 'full' in own ? own.full : own;
    model.sections = meta.sections;
    const unchecked = (d.frames[base] as { full: MemoryView }).full.unchecked;
    at = n;
    slider.value = String(n);
    const step = d.steps[n];
    info.textContent = `Step ${n} of ${d.frames.length - 1}: ${step.op}`;
    trace.textContent = [step.op, ...step.trace.map((t) => `    ${t}`)].join('\n');
    f.grid.setModel(model);
    f.summary.textContent = summaryText({ impl: model.impl, type: d.type, target: d.target, count: meta.count }, model);
    headerTable(f.header, meta.header);
    findingsList(f.findings, meta.findings, unchecked, f.grid);
    statsPanel(f.stats, meta.stats);
    document.body.dataset.step = String(n);
  };
  first.addEventListener('click', () => go(0));
  prev.addEventListener('click', () => go(at - 1));
  next.addEventListener('click', () => go(at + 1));
  last.addEventListener('click', () => go(d.frames.length - 1));
  slider.addEventListener('input', () => go(Number(slider.value)));
  go(0);
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

function draw(app: HTMLElement, d: Exclude<ViewData, ViewSet>): void {
  if (d.kind === 'memory') memoryView(app, d);
  else if (d.kind === 'replay') replayView(app, d);
  else layoutView(app, d);
}

/** Several views: a row of tabs, one view drawn at a time. */
function setView(app: HTMLElement, d: ViewSet): void {
  const tabs = el('div', { role: 'tablist', class: 'tabs', 'aria-label': 'views' });
  const panel = el('div', { role: 'tabpanel', id: 'panel' });
  const buttons = d.views.map((v, i) => el('button', { type: 'button', role: 'tab', id: `tab-${i}`, 'aria-controls': 'panel', 'aria-selected': 'false', tabindex: '-1' }, v.title));
  const show = (i: number) => {
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${i}`);
    panel.replaceChildren();
    draw(panel, d.views[i].view);
    document.body.dataset.view = String(i);
  };
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => show(i));
    b.addEventListener('keydown', (ev) => {
      const k = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (!k) return;
      const j = (i + k + buttons.length) % buttons.length;
      show(j);
      buttons[j].focus();
      ev.preventDefault();
    });
  });
  tabs.append(...buttons);
  app.append(tabs, panel);
  show(0);
}

function main(): void {
  // Marks for the benchmark (bench/view.ts): the script starts, the data is parsed, the page is drawn.
  performance.mark('mapscope-start');
  const app = document.getElementById('app')!;
  const d = JSON.parse(document.getElementById('mapscope-data')!.textContent!) as ViewData;
  performance.mark('mapscope-parsed');
  if (d.kind === 'set') setView(app, d);
  else draw(app, d);
  performance.mark('mapscope-drawn');
  document.body.dataset.ready = 'true';
}

main();
