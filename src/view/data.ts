/**
 * The data a `mapscope view` page embeds: what the Node side (memory.ts,
 * layout.ts) extracts and the browser side (page/) draws. Shared as types
 * only, so the page bundle carries none of the Node code.
 *
 * Memory views are compact (a million-entry map is a few tens of MB): one
 * letter per slot for its state, its tophash or control byte in base64,
 * and the keys and elems of the slots worth decoding as text joined by DEL.
 */

/**
 * A slot's state, one letter that is also the slot's printed second cue:
 * F full, E empty (classic emptyOne, Swiss ctrlEmpty), R emptyRest,
 * D deleted (Swiss tombstone), X/Y evacuated to the new array's first or
 * second half, Z evacuatedEmpty, ? a byte no state has.
 */
export type SlotState = 'F' | 'E' | 'R' | 'D' | 'X' | 'Y' | 'Z' | '?';

/** States whose slots carry a decoded key and elem. */
export const DECODED_STATES = 'FDXY?';

/**
 * Joins the texts of MemoryView.keys and .elems: DEL, which JSON.stringify leaves unescaped (a newline
 * would cost two bytes in the embedded JSON); a DEL inside a text is written as the JSON escape \u007f.
 */
export const TEXT_SEP = '\x7f';

/** The state names the legend and the text alternatives use. */
export const STATE_NAMES: Record<SlotState, string> = {
  F: 'full',
  E: 'empty',
  R: 'emptyRest',
  D: 'deleted (tombstone)',
  X: 'evacuated X',
  Y: 'evacuated Y',
  Z: 'evacuatedEmpty',
  '?': 'invalid control byte',
};

/** A run of units drawn together: a bucket array, the old bucket array, one Swiss table. */
export interface Section {
  readonly title: string;
  /** Units [first, first + count) of the view. */
  readonly first: number;
  readonly count: number;
  /** When set, unit u of the section is labelled "`unit` (u - first)" ("table 3 group 17") and MemoryView.units is absent. */
  readonly unit?: string;
}

/** The statistics panel: figures for people, a probe-length histogram, bytes by kind. */
export interface Stats {
  /** [what, value] rows: entries, load, overflow buckets, tables, tombstones. */
  readonly figures: readonly [string, string][];
  /** counts[n]: full slots whose lookup looks at n buckets or groups before reaching theirs; or why that is not known. */
  readonly probe: { readonly unit: string; readonly counts: readonly number[] } | { readonly unknown: string };
  /** Heap bytes by kind as src/footprint counts them ([kind, bytes] rows, total last), or why they are not shown. */
  readonly bytes: readonly [string, number][] | string;
}

/**
 * A map's memory. Slot-indexed data (slot = unit × 8 + slot in unit) is
 * encoded compactly for maps of millions of slots: one letter per slot for
 * its state, the control bytes as base64, and the texts of decoded slots
 * joined by TEXT_SEP.
 */
export interface MemoryView {
  readonly kind: 'memory';
  readonly impl: 'classic' | 'swiss';
  /** Where the map came from: "snapshot FILE.json", "core CORE (BINARY)", "pid 4242 (frozen)". */
  readonly source: string;
  /** The map's name: a global variable ("main.cache"), an address, or "snapshot". */
  readonly name: string;
  readonly type: string;
  /** "Go 1.23 amd64". */
  readonly target: string;
  /** header.count (classic) or header.used (Swiss). */
  readonly count: number;
  /** Header fields worth showing, in order ("B" → 3). */
  readonly header: readonly [string, string][];
  readonly sections: readonly Section[];
  /** Units drawn. */
  readonly unitCount: number;
  /** Each unit's label ("bucket 3", "bucket 3 overflow 1"), newline-joined; absent when every section names its units (Swiss). */
  readonly units?: string;
  /** Each unit's address, hex, newline-joined; absent when addresses are synthetic (a snapshot). */
  readonly unitAddrs?: string;
  /** "bucket" or "group", for offsets within a unit when there are no addresses. */
  readonly unitWord: string;
  /** Offset of slot i's key within its unit. */
  readonly keyOffsets: readonly number[];
  /** One SlotState per slot. */
  readonly states: string;
  /** Per slot: tophash (classic) or control byte (Swiss), base64 of one byte a slot. */
  readonly ctrl: string;
  /**
   * The key and elem of each decoded slot (state F, D, X, Y or ?: a live key, or the stale one a delete
   * or an evacuation left), in slot order, as JSON text joined by TEXT_SEP; empty slots have none.
   */
  readonly keys: string;
  readonly elems: string;
  readonly findings: readonly ViewFinding[];
  /** Invariants not checked and why ("HASH: no key material"), so an empty findings list is not read as a clean bill. */
  readonly unchecked: readonly string[];
  /** What the walk could not draw (an unreadable chain, a loop). */
  readonly notes: readonly string[];
  readonly stats: Stats;
}

export interface ViewFinding {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  /** The slot (index into states) it concerns, when the finding names one. */
  readonly slot?: number;
  /**
   * Findings about where a key sits: the unit (bucket or group) its key belongs in, as the runtime's lookup computes it
   * from the key's hash (check's Location.home), and that place for people; `home` is absent when the unit is not drawn.
   */
  readonly home?: number;
  readonly homeText?: string;
}

/** A stretch of bytes of a bucket or group: a field or padding. */
export interface Segment {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly kind: 'header' | 'key' | 'elem' | 'overflow' | 'pad';
}

export interface LayoutTargetView {
  /** "Go 1.24 amd64". */
  readonly target: string;
  /** "bucket" or "group". */
  readonly unit: string;
  readonly size: number;
  readonly segments: readonly Segment[];
  readonly padding: number;
}

export interface LayoutView {
  readonly kind: 'layout';
  readonly type: string;
  readonly targets: readonly LayoutTargetView[];
  /** Plain sentences on what differs between the targets (empty for one target). */
  readonly differences: readonly string[];
}

/**
 * A scenario replayed step by step. Frame 0 is the map after make; frame n
 * the map after operation n-1. Each frame is a whole MemoryView when the
 * map's structure changed (the first, a grow, a split, a new array), else
 * only the slots that changed since the previous frame.
 */
export interface ReplayView {
  readonly kind: 'replay';
  readonly type: string;
  readonly target: string;
  readonly source: string;
  /** One per frame: the operation ("#3 insert 7 70"; "make" for frame 0) and its `sim --trace` lines. */
  readonly steps: readonly { readonly op: string; readonly trace: readonly string[] }[];
  readonly frames: readonly ReplayFrame[];
}

export type ReplayFrame =
  | { readonly full: MemoryView }
  /** Changed slots: [slot, state letter, control byte, key text, elem text]; everything else as the previous frame, bar these. */
  | { readonly diff: readonly [number, string, number, string, string][]; readonly count: number; readonly header: readonly [string, string][]; readonly findings: readonly ViewFinding[]; readonly stats: Stats; readonly sections: readonly Section[] };

/** Several views in one page (the tour's maps), one shown at a time. */
export interface ViewSet {
  readonly kind: 'set';
  readonly views: readonly { readonly title: string; readonly view: MemoryView | LayoutView | ReplayView }[];
}

export type ViewData = MemoryView | LayoutView | ReplayView | ViewSet;
