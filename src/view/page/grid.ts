/**
 * The slots of a map as a grid: one row per bucket or group (its label,
 * then 8 cells), a heading row per section (bucket array, old array, Swiss
 * table). Small maps are drawn whole; past FULL_ROWS rows the grid is
 * virtualised: a scroll box of fixed row height that holds only the rows in
 * view (and a margin), so a map of millions of slots costs what a screenful
 * costs.
 *
 * Accessibility (WCAG basics) holds in both modes: the grid is an ARIA grid
 * with aria-rowcount and each row's aria-rowindex; one cell is in the tab
 * order (roving tabindex) and the arrow keys, Home, End, PageUp and PageDown
 * move between slots, scrolling the row into view and drawing it first when
 * it is not drawn; every cell has a text alternative and shows its state by
 * letter as well as by colour.
 */
import { STATE_NAMES, type Section, type SlotState } from '../data.js';
import { el, esc } from './dom.js';

const SLOTS = 8;
/** Row height in pixels (CSS .row). */
export const ROW_H = 28;
/** Maps with more rows than this are virtualised. */
export const FULL_ROWS = 3000;
/** Rows drawn above and below the visible ones. */
const MARGIN = 20;

/** A map's slots, decoded from a MemoryView, mutable for the replay. */
export interface Model {
  readonly impl: 'classic' | 'swiss';
  readonly unitWord: string;
  readonly keyOffsets: readonly number[];
  /** Units drawn, and the label of unit u ("bucket 3", "table 2 group 7"). */
  units: number;
  label(u: number): string;
  addrs?: string[];
  /** Char codes of the state letters. */
  states: Uint8Array;
  ctrl: Uint8Array;
  /** Texts of decoded slots; text[i] is slot i's index into them, -1 when the slot has none. */
  keys: string[];
  elems: string[];
  text: Int32Array;
  sections: readonly Section[];
}

export const stateClass = (s: string): string => (s === '?' ? 's-bad' : `s-${s}`);

export class Grid {
  readonly box: HTMLElement;
  private readonly inner: HTMLElement;
  private model!: Model;
  /** Row r: a unit (≥ 0) or a section heading (-1 - section). */
  private rows = new Int32Array(0);
  private unitRow = new Int32Array(0);
  private virtual = false;
  private drawn: [number, number] = [0, 0];
  private current = 0;
  private hl = new Set<number>();
  /** The unit a selected finding's key belongs in (-1: none). */
  private home = -1;

  constructor(host: HTMLElement, private readonly details: HTMLElement, label: string) {
    this.box = el('div', { class: 'gridbox', role: 'grid', 'aria-label': label, 'aria-colcount': String(SLOTS + 1) });
    this.inner = el('div', { class: 'gridinner', role: 'rowgroup' });
    this.box.append(this.inner);
    host.append(this.box);
    this.box.addEventListener('scroll', () => this.virtual && this.draw());
    const slotOf = (ev: Event) => (ev.target as HTMLElement).dataset?.slot;
    this.box.addEventListener('mouseover', (ev) => {
      const i = slotOf(ev);
      if (i !== undefined) this.show(Number(i));
    });
    this.box.addEventListener('focusin', (ev) => {
      const i = slotOf(ev);
      if (i === undefined) return;
      this.current = Number(i);
      this.show(this.current);
    });
    this.box.addEventListener('keydown', (ev) => this.key(ev));
  }

  get slots(): number {
    return this.model.states.length;
  }

  /** Draws `m` (a new map, or the same map after a replay step). */
  setModel(m: Model): void {
    this.model = m;
    const units = m.units;
    this.rows = new Int32Array(units + m.sections.length);
    this.unitRow = new Int32Array(units);
    let r = 0;
    m.sections.forEach((s, si) => {
      this.rows[r++] = -1 - si;
      for (let u = s.first; u < s.first + s.count; u++) {
        this.unitRow[u] = r;
        this.rows[r++] = u;
      }
    });
    this.rows = this.rows.subarray(0, r);
    this.virtual = r > FULL_ROWS;
    this.box.classList.toggle('virtual', this.virtual);
    this.box.setAttribute('aria-rowcount', String(r));
    this.box.dataset.slots = String(m.states.length);
    this.inner.style.height = `${r * ROW_H}px`;
    if (this.current >= m.states.length) this.current = 0;
    this.drawn = [0, 0];
    this.draw(true);
  }

  state(i: number): SlotState {
    return String.fromCharCode(this.model.states[i]) as SlotState;
  }

  /** The text alternative and details of slot i. */
  describe(i: number): string {
    const m = this.model;
    const u = Math.floor(i / SLOTS);
    const s = this.state(i);
    const c = m.ctrl[i];
    const code = m.impl === 'classic' ? `tophash ${c}` : `ctrl 0x${c.toString(16).padStart(2, '0')}${s === 'F' ? ` (H2 ${c})` : ''}`;
    const off = m.keyOffsets[i % SLOTS];
    const where = m.addrs ? `0x${(BigInt(m.addrs[u]) + BigInt(off)).toString(16)}` : `${m.unitWord}+0x${off.toString(16)} (snapshot: addresses are not recorded)`;
    const t = m.text[i];
    const kv = t < 0 ? 'key and elem not decoded (an empty slot)' : `key ${m.keys[t]}${s === 'F' ? '' : ' (stale bytes)'}   elem ${m.elems[t]}${s === 'F' ? '' : ' (stale bytes)'}`;
    return `${m.label(u)} slot ${i % SLOTS}: ${STATE_NAMES[s] ?? s}\n${kv}\n${code}   key at ${where}`;
  }

  show(i: number): void {
    this.details.textContent = this.describe(i);
    this.details.dataset.slot = String(i);
  }

  /** Adds a line to the details (what a selected finding's highlight means). */
  note(text: string): void {
    this.details.textContent += `\n${text}`;
  }

  private rowHtml(r: number, out: string[]): void {
    const x = this.rows[r];
    const top = this.virtual ? ` style="top:${r * ROW_H}px"` : ` style="top:${r * ROW_H}px"`;
    if (x < 0) {
      const s = this.model.sections[-1 - x];
      out.push(`<div class="row sec" role="row" aria-rowindex="${r + 1}"${top}><div role="columnheader" aria-colspan="9" class="sectitle">${esc(s.title)}</div></div>`);
      return;
    }
    // A selected finding's unit and its key's home carry a label beside the unit's name as well as their outlines.
    let tags = '';
    for (let j = 0; j < SLOTS; j++) if (this.hl.has(x * SLOTS + j)) tags += `<span class="tag tag-hl">finding: slot ${j}</span>`;
    if (x === this.home) tags += `<span class="tag tag-home">home of the finding's key</span>`;
    if (tags) tags = `<span class="tags">${tags}</span>`;
    out.push(`<div class="row" role="row" aria-rowindex="${r + 1}"${top}><div class="unit" role="rowheader">${esc(this.model.label(x))}${tags}</div>`);
    for (let j = 0; j < SLOTS; j++) {
      const i = x * SLOTS + j;
      const s = this.state(i);
      const cls = `${this.hl.has(i) ? ' hl' : ''}${x === this.home ? ' home' : ''}`;
      const alt = `${this.describe(i).replace(/\n/g, '; ')}${this.hl.has(i) ? '; the selected finding' : ''}${x === this.home ? `; in the ${this.model.unitWord} the finding's key belongs in` : ''}`;
      out.push(`<div class="slot ${stateClass(s)}${cls}" role="gridcell" data-slot="${i}" data-state="${esc(s)}" tabindex="${i === this.current ? 0 : -1}" aria-label="${esc(alt)}">${esc(s)}</div>`);
    }
    out.push('</div>');
  }

  /** Draws the rows in view (virtual) or all rows; `force` redraws even when the window did not move. */
  draw(force = false): void {
    const n = this.rows.length;
    let from = 0;
    let to = n;
    if (this.virtual) {
      const top = Math.floor(this.box.scrollTop / ROW_H);
      const seen = Math.ceil((this.box.clientHeight || 600) / ROW_H);
      from = Math.max(0, top - MARGIN);
      to = Math.min(n, top + seen + MARGIN);
      if (!force && from >= this.drawn[0] && to <= this.drawn[1]) return;
      // Draw a little more than needed, so small scrolls need no redraw.
      from = Math.max(0, from - MARGIN);
      to = Math.min(n, to + MARGIN);
    }
    const focused = this.box.contains(document.activeElement);
    const html: string[] = [];
    for (let r = from; r < to; r++) this.rowHtml(r, html);
    this.inner.innerHTML = html.join('');
    this.drawn = [from, to];
    // Keep one cell in the tab order: the current slot's when drawn, else the first drawn.
    if (!this.inner.querySelector('[tabindex="0"]')) this.inner.querySelector<HTMLElement>('.slot')?.setAttribute('tabindex', '0');
    if (focused) this.cell(this.current)?.focus({ preventScroll: true });
  }

  cell(i: number): HTMLElement | null {
    return this.inner.querySelector<HTMLElement>(`.slot[data-slot="${i}"]`);
  }

  /** Moves the focus to slot i, scrolling its row into view and drawing it first if needed. */
  focusSlot(i: number): void {
    if (i < 0 || i >= this.slots) return;
    this.cell(this.current)?.setAttribute('tabindex', '-1');
    this.current = i;
    const r = this.unitRow[Math.floor(i / SLOTS)];
    if (this.virtual) {
      const top = r * ROW_H;
      if (top < this.box.scrollTop || top + ROW_H > this.box.scrollTop + this.box.clientHeight) this.box.scrollTop = Math.max(0, top - this.box.clientHeight / 2);
      this.draw(r < this.drawn[0] || r >= this.drawn[1]);
    }
    const c = this.cell(i);
    if (!c) return;
    c.setAttribute('tabindex', '0');
    c.focus();
    this.show(i);
  }

  /**
   * Highlights a finding's slots and, apart, the unit (bucket or group) its key belongs in (`home`, -1 for none): the
   * drawn rows are redrawn, so both marks (outline and label) hold in a virtualised grid too.
   */
  highlight(slots: number[], home = -1): void {
    this.hl = new Set(slots);
    this.home = home;
    this.box.dataset.home = String(home);
    this.draw(true);
  }

  private key(ev: KeyboardEvent): void {
    const t = ev.target as HTMLElement;
    if (t.dataset.slot === undefined) return;
    const i = Number(t.dataset.slot);
    const page = SLOTS * Math.max(1, Math.floor((this.box.clientHeight || 600) / ROW_H) - 1);
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -SLOTS, ArrowDown: SLOTS, PageUp: -page, PageDown: page };
    if (ev.key in step) this.focusSlot(Math.max(0, Math.min(this.slots - 1, i + step[ev.key])));
    else if (ev.key === 'Home') this.focusSlot(0);
    else if (ev.key === 'End') this.focusSlot(this.slots - 1);
    else return;
    ev.preventDefault();
  }
}
