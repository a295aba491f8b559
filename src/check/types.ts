/**
 * The checker's shared vocabulary: invariants, findings, and the map source
 * every check runs over.
 *
 * A check reads a map's memory through a `MemoryReader` (src/model/memory.ts)
 * — simulated memory rebuilt from a snapshot, a core dump, or a live process —
 * starting at the map header's address, with the layout the map type has for
 * the program's Go version and GOARCH (src/layout). It never trusts a byte:
 * every pointer is followed with bounds, every count is capped, and memory that
 * cannot be read is itself a finding, not an exception.
 *
 * Each implementation (classic, Swiss) has one catalogue of invariants with
 * stable codes (CLASSIC_*, SWISS_*); docs/check.md has a paragraph and a
 * minimal example for every code.
 */

export type { DynamicTypes, HashState, MapSource } from '../source/types.js';

/**
 * error: the runtime can misbehave (lose or duplicate keys, fault, loop).
 * warning: the state is wrong but the runtime tolerates it (a hint, a counter).
 * info: a fact worth knowing that breaks nothing (a map caught mid-write).
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Invariant {
  /** Stable, never reused: e.g. "classic/count", "swiss/h2". */
  readonly code: string;
  readonly impl: 'classic' | 'swiss';
  /** One line, e.g. "hmap.count equals the number of live slots". */
  readonly title: string;
  readonly severity: Severity;
  /**
   * True when a write caught half done could produce the finding in an intact
   * map (a count updated after its slot, a grow begun); such findings are
   * marked `possiblyTorn` when the map's writing flag is set (src/check/report.ts
   * markTorn; from an unfrozen process every finding is marked).
   */
  readonly tearable: boolean;
  /** Needs the map's hash function (and so the process's key material). */
  readonly needsHash: boolean;
}

/** Where a finding is. Fields that do not apply are absent. */
export interface Location {
  /** For people: "header", "bucket 5 overflow 2 slot 3", "oldbucket 1", "table 2 group 7 slot 0", "directory[3]". */
  readonly text: string;
  /** Address of the bytes concerned, hex "0x…", when read from real memory (absent for snapshots). */
  readonly address?: string;
  readonly bucket?: number;
  /** Which array: the current buckets or the old ones during growth. */
  readonly array?: 'buckets' | 'oldbuckets';
  /** Position in the overflow chain: 0 is the bucket in the array. */
  readonly overflow?: number;
  readonly table?: number;
  readonly directoryIndex?: number;
  readonly group?: number;
  readonly slot?: number;
  /** Slot findings: the slot's key as read, decoded ("\"k12\"", "42"; "(unreadable)" when it cannot be). */
  readonly key?: string;
  /** Findings about where a key sits: where the runtime's lookup of that key goes, from the key's hash (absent when it cannot be told). */
  readonly home?: Home;
}

/**
 * The bucket or group a key belongs in, as the runtime's lookup computes it
 * from the key's hash.
 *
 * Classic (runtime/map.go mapaccess1): bucket hash & (2^B - 1) of the
 * current array; while growing, the old bucket hash & (old count - 1)
 * instead when that old bucket is not yet evacuated (its first tophash is
 * not a mark). Swiss (internal/runtime/maps): the table of directory entry
 * hash >> globalShift (a small map: its one group), and in it the group
 * H1(hash) & lengthMask where the probe sequence starts.
 */
export interface Home {
  /** For people: "bucket 5 (hash & 15)", "table 2 group 17 (directory[5], H1 & 127)". */
  readonly text: string;
  /** Classic. */
  readonly array?: 'buckets' | 'oldbuckets';
  readonly bucket?: number;
  /** Swiss: the table's ordinal (as Location.table numbers tables) and the directory entry the hash selects. */
  readonly table?: number;
  readonly directoryIndex?: number;
  /** Swiss: the probe sequence's first group (a small map: 0). */
  readonly group?: number;
}

/**
 * What one finding says, made by a message template of its invariant
 * catalogue: the code, the expected and found values (short, for tables and
 * machines) and a sentence for people.
 */
export interface FindingText {
  readonly code: string;
  readonly expected: string;
  readonly found: string;
  readonly message: string;
}

/** A finding's text, as the catalogues' templates build it. */
export function findingText(code: string, expected: string, found: string, message: string): FindingText {
  return { code, expected, found, message };
}

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly location: Location;
  readonly expected: string;
  readonly found: string;
  readonly message: string;
  /**
   * Set when a write could explain the finding in an intact map: the memory was
   * read from a running process that was not stopped (every finding), or the
   * map's own writing flag says a write was in progress when it was read (a
   * core of a `concurrent map writes` crash, a process frozen mid-insert;
   * findings of tearable invariants).
   */
  possiblyTorn?: boolean;
  /** Why possiblyTorn is set. */
  tornBy?: 'running' | 'writing';
}

export interface MapReport {
  readonly name: string;
  readonly address: string;
  readonly type: string;
  readonly impl: 'classic' | 'swiss';
  /** Live entries the header claims (count / used). */
  readonly count: number;
  readonly findings: Finding[];
  /** Codes not checked and why (no key material, a key type whose hash needs dynamic types, …). */
  readonly unchecked: { readonly code: string; readonly reason: string }[];
  /** Findings found but not listed (past the per-code limit): counts, never findings. */
  readonly omitted: Omitted[];
}

/** Findings of one code found beyond the listing limit. */
export interface Omitted {
  readonly code: string;
  readonly severity: Severity;
  readonly count: number;
}

/** How many findings of each code a check lists (the rest are counted in `omitted`). */
export interface CheckOptions {
  /** Per code and map; default LIMITS.maxFindingsPerCode, at most LIMITS.maxFindingsListed. */
  readonly limit?: number;
}

/** Hard limits so corrupt memory never makes a check run away. */
export const LIMITS = {
  /** Buckets or groups visited per map. */
  maxGroups: 1 << 22,
  /** Overflow buckets followed in one chain before calling it a loop. */
  maxChain: 1 << 16,
  /** Findings listed per code per map by default (the rest are counted in MapReport.omitted). */
  maxFindingsPerCode: 50,
  /** Findings listed per code per map at most, even with --all (memory stays bounded on garbage). */
  maxFindingsListed: 100_000,
} as const;

/** The per-code listing limit a check runs with. */
export function findingLimit(opts: CheckOptions): number {
  const n = opts.limit ?? LIMITS.maxFindingsPerCode;
  return Math.max(0, Math.min(n, LIMITS.maxFindingsListed));
}

/** A tophash or control byte, printed the same way by both engines: hex, two digits ("0x05", "0x80"). */
export function byteHex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}
