/**
 * The data a `mapscope view` page embeds: what the Node side (memory.ts,
 * layout.ts) extracts and the browser side (page/) draws. Shared as types
 * only, so the page bundle carries none of the Node code.
 *
 * Memory views are compact: one character per slot for its state, one
 * number for its tophash or control byte, and the key and elem as short
 * text, in flat arrays indexed by slot number (unit × 8 + slot in unit).
 */

/**
 * A slot's state, one letter that is also the slot's printed second cue:
 * F full, E empty (classic emptyOne, Swiss ctrlEmpty), R emptyRest,
 * D deleted (Swiss tombstone), X/Y evacuated to the new array's first or
 * second half, Z evacuatedEmpty, ? a byte no state has.
 */
export type SlotState = 'F' | 'E' | 'R' | 'D' | 'X' | 'Y' | 'Z' | '?';

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

/** A bucket (classic, one per chain position) or a group (Swiss): 8 slots. */
export interface Unit {
  /** "bucket 3", "bucket 3 overflow 1", "group 2". */
  readonly label: string;
}

/** A run of units drawn together: a bucket array, the old bucket array, one Swiss table. */
export interface Section {
  readonly title: string;
  /** Units [first, first + count) of MemoryView.units. */
  readonly first: number;
  readonly count: number;
}

export interface MemoryView {
  readonly kind: 'memory';
  readonly impl: 'classic' | 'swiss';
  /** Where the map came from, for the page title ("snapshot" and the file name). */
  readonly source: string;
  readonly type: string;
  /** "Go 1.23 amd64". */
  readonly target: string;
  /** header.count (classic) or header.used (Swiss). */
  readonly count: number;
  /** Header fields worth showing, in order ("B" → 3). */
  readonly header: readonly [string, string][];
  readonly sections: readonly Section[];
  readonly units: readonly Unit[];
  /** One SlotState per slot (units.length × 8 characters). */
  readonly states: string;
  /** Per slot: tophash (classic) or control byte (Swiss). */
  readonly ctrl: readonly number[];
  /** Per slot: the key and elem as JSON text, as the snapshot decodes their bytes (stale in empty slots). */
  readonly keys: readonly string[];
  readonly elems: readonly string[];
  /** Per slot: where its key sits, "bucket+0x10" (snapshot addresses are synthetic, so an offset within the unit). */
  readonly where: readonly string[];
  readonly findings: readonly ViewFinding[];
  /** Invariants not checked and why ("HASH: no key material"), so an empty findings list is not read as a clean bill. */
  readonly unchecked: readonly string[];
}

export interface ViewFinding {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  /** The slot (index into states) it concerns, when the finding names one. */
  readonly slot?: number;
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

export type ViewData = MemoryView | LayoutView;
