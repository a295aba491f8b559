/**
 * The Swiss map invariant catalogue: every rule the runtime's
 * internal/runtime/maps (Go 1.24–1.27) relies on, one stable code each.
 * docs/check.md "## swiss" has a paragraph and a minimal example per code.
 *
 * Sources (~/.cache/mapscope/go/<v>/src/internal/runtime/maps): the
 * runtime's own debug check (table_debug.go checkInvariants: every full
 * slot's key found by a lookup, used = full slots, growthLeft =
 * capacity*7/8 - used - tombstones, at least one empty slot), the Map and
 * table comments (map.go, table.go), and what the code does with each field:
 * probing stops at a group with an empty slot (table.go getWithKey), the
 * directory index is hash >> globalShift (map.go directoryIndex), a table
 * fills 2^(globalDepth-localDepth) entries from its index (replaceTable),
 * small maps never hold tombstones (deleteSmall), `writing` is toggled
 * around every write (PutSlot, Delete, Clear), tombstonePossible (1.25+) is
 * set by every Delete that leaves a tombstone and lets Clear skip a map with
 * used == 0 when false.
 *
 * tearable: a write running while the memory was read could produce the
 * finding in an intact map (the runtime writes the control byte, then
 * growthLeft, then the table's used, then the map's used; a grow installs
 * the new table entry by entry). Control bytes are single-byte writes of
 * legal values, and a table's capacity and group count never change after
 * the table is built, so those findings cannot come from tearing.
 */
import type { Invariant, Severity } from '../types.js';

function inv(code: string, title: string, severity: Severity, tearable: boolean, needsHash: boolean): Invariant {
  return { code: `swiss/${code}`, impl: 'swiss', title, severity, tearable, needsHash };
}

export const SWISS_INVARIANTS: readonly Invariant[] = [
  inv('ctrl', 'every control byte is 0x80 (empty), 0xFE (deleted) or a 7-bit H2 (full)', 'error', false, false),
  inv('h2', "a full slot's control byte equals the H2 (low 7 bits) of its key's hash", 'error', true, true),
  inv('probe', "every key is reachable: no group with an empty slot comes before its group on its probe sequence", 'error', true, true),
  inv('directory-placement', "every key's directory entry (hash >> globalShift) leads to the table that holds it", 'error', true, true),
  inv('duplicate', 'no key is live twice in the map', 'error', true, false),
  inv('key-comparable', 'every interface in a full slot\'s key holds a comparable dynamic type (hashing any other panics before a slot ' +
    'is written)', 'error', true, false),
  inv('table-used', "a table's used equals its full slots", 'error', true, false),
  inv('used', "Map.used equals the full slots of the small group, or of all tables together", 'error', true, false),
  inv('growth-left', "a table's growthLeft equals capacity*7/8 (capacity-1 for one group) minus full slots minus " +
    "tombstones", 'error', true, false),
  inv('no-empty', 'every table keeps at least one empty slot, so every probe sequence ends', 'error', true, false),
  inv('capacity', "a table's capacity is a power of two from 8 to 1024", 'error', false, false),
  inv('group-count', "a table's groups.lengthMask + 1 equals capacity / 8", 'error', false, false),
  inv('dir-len', 'dirLen is 0 (small or empty map) or 1 << globalDepth', 'error', true, false),
  inv('global-shift', 'with a directory, globalShift is the hash width (64, or 32) minus globalDepth', 'error', true, false),
  inv('local-depth', "a table's localDepth is at most globalDepth", 'error', true, false),
  inv('directory-span', 'each table fills exactly the 2^(globalDepth-localDepth) consecutive, aligned directory entries from its ' +
    'first', 'error', true, false),
  inv('table-index', "a table's index is its first directory entry", 'error', true, false),
  inv('nil-pointer', 'pointers the runtime follows are non-nil: dirPtr of a map with a directory, directory entries, table ' +
    'groups', 'error', true, false),
  inv('indirect-nil', 'a full slot of a map with indirect keys or elems (over 128 bytes) holds non-nil key and elem ' +
    'pointers', 'error', true, false),
  inv('unreadable', 'every pointer the map holds leads to readable memory', 'error', true, false),
  inv('small-tombstone', 'a small map (dirLen 0) has no deleted slots', 'warning', false, false),
  inv('small-depth', 'a small map has globalDepth 0 and globalShift 0', 'warning', true, false),
  inv('mixed-group', 'no group holds both an empty and a deleted slot (tombstones are only left in full groups)', 'warning', true, false),
  inv('tombstone-flag', 'Go 1.25+: Map.tombstonePossible is set while any table holds a tombstone', 'warning', true, false),
  inv('writing', 'Map.writing is 0: no write was in progress when the memory was read', 'info', true, false),
];

export const SWISS_CODES: ReadonlySet<string> = new Set(SWISS_INVARIANTS.map((i) => i.code));

export const SWISS_BY_CODE: ReadonlyMap<string, Invariant> = new Map(SWISS_INVARIANTS.map((i) => [i.code, i]));

export function swissInvariant(code: string): Invariant {
  const i = SWISS_INVARIANTS.find((x) => x.code === code);
  if (!i) throw new Error(`unknown Swiss invariant ${code}`);
  return i;
}
