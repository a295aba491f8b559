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
import { hex } from '../../base/hex.js';
import { byteHex, findingText as t, type FindingText, type Invariant, type Severity } from '../types.js';

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

/**
 * What each finding says: one template per situation the checker (check.ts)
 * tells apart. `at` is the finding's location text ("table 2 (directory[4])
 * group 7 slot 0"): most messages open with it.
 */
export const SWISS_FINDINGS = {
  // The Map header.
  headerUnreadable: (err: string): FindingText => t('swiss/unreadable', 'a maps.Map header', 'unreadable', `header: ${err}`),
  writing: (writing: number): FindingText => t('swiss/writing', '0', `${writing}`, writing === 1
    ? 'the map was being written when it was read (the next access by another goroutine reports concurrent map read/write)'
    : `writing is ${writing}: the runtime only toggles bit 0`),
  dirLenNegative: (dirLen: bigint): FindingText =>
    t('swiss/dir-len', '0 or 1 << globalDepth', `${dirLen}`, `dirLen ${dirLen} is negative`),
  /** `small`: dirLen 0; `noGroup`: a small map whose group is not allocated yet. */
  used: (full: number, small: boolean, noGroup: boolean, used: bigint): FindingText =>
    t('swiss/used', `${full} (full slots${small ? noGroup ? ': no group yet' : ' in the small group' : ' in all tables'})`, `${used}`,
      `Map.used ${used}, len(m) reports it, but ${full} slots are full`),
  smallDepth: (globalDepth: number, globalShift: number): FindingText =>
    t('swiss/small-depth', 'globalDepth 0, globalShift 0', `globalDepth ${globalDepth}, globalShift ${globalShift}`,
      'a small map (dirLen 0) was never given a directory, so its globalDepth and globalShift are still 0'),
  tombstoneFlag: (tombstones: number): FindingText => t('swiss/tombstone-flag', 'tombstonePossible true', 'false',
    `${tombstones} tombstones but tombstonePossible is false: clear() of the map once empty skips it and keeps them`),

  // The directory.
  dirLen: (dirLen: bigint, globalDepth: number): FindingText =>
    t('swiss/dir-len', `${1n << BigInt(globalDepth)} (1 << globalDepth ${globalDepth})`, `${dirLen}`,
      `dirLen ${dirLen} is not 1 << globalDepth (${globalDepth})`),
  dirTooLong: (max: number, dirLen: bigint): FindingText =>
    t('swiss/dir-len', `at most ${max} entries`, `${dirLen}`, `dirLen ${dirLen} is beyond any directory the checker reads`),
  globalShift: (want: number, hashBits: number, globalDepth: number, globalShift: number): FindingText =>
    t('swiss/global-shift', `${want} (${hashBits} - globalDepth ${globalDepth})`, `${globalShift}`,
      `globalShift ${globalShift} does not select the top globalDepth (${globalDepth}) bits of a ${hashBits}-bit hash`),
  dirPtrNil: (dirLen: bigint): FindingText =>
    t('swiss/nil-pointer', 'a directory', 'dirPtr nil', `dirLen is ${dirLen} but dirPtr is nil: every access faults`),
  dirEntryNil: (i: number): FindingText =>
    t('swiss/nil-pointer', 'a table', 'nil', `directory[${i}] is nil: a key whose hash selects it faults`),

  // A table.
  tableUnreadable: (at: string, addr: bigint, err: string): FindingText =>
    t('swiss/unreadable', `a table header at ${hex(addr)}`, 'unreadable', `${at}: ${err}`),
  localDepth: (at: string, localDepth: number, globalDepth: number): FindingText =>
    t('swiss/local-depth', `at most globalDepth ${globalDepth}`, `${localDepth}`,
      `${at}: localDepth ${localDepth} exceeds globalDepth ${globalDepth}`),
  /** `entries`: the directory entries the table fills, as ranges ("3-5, 8"). */
  directorySpan: (at: string, start: number, run: number, globalDepth: number, localDepth: number, entries: string): FindingText =>
    t('swiss/directory-span', `directory[${start}-${start + run - 1}] (${run} = 2^(${globalDepth}-${localDepth}) entries)`,
      `directory[${entries}]`, `${at}: a table of localDepth ${localDepth} must fill ${run} aligned consecutive entries`),
  tableIndex: (at: string, first: number, index: bigint): FindingText => t('swiss/table-index', `${first}`, `${index}`,
    `${at}: index ${index} is not its first directory entry ${first}${index === -1n ? ' (-1: a replaced table still installed)' : ''}`),
  capacity: (at: string, min: number, max: number, capacity: number): FindingText =>
    t('swiss/capacity', `a power of two from ${min} to ${max}`, `${capacity}`, `${at}: capacity ${capacity}`),
  groupCount: (at: string, capacity: number, lengthMask: bigint): FindingText =>
    t('swiss/group-count', `lengthMask + 1 = capacity ${capacity} / 8`, `lengthMask ${lengthMask} (${lengthMask + 1n} groups)`,
      `${at}: groups.lengthMask + 1 is not capacity / 8: probing and growth disagree on the table's size`),
  groupsNil: (at: string): FindingText => t('swiss/nil-pointer', 'groups', 'groups.data nil', `${at}: groups.data is nil`),
  tableUsed: (at: string, full: number, used: number): FindingText =>
    t('swiss/table-used', `${full} (full slots)`, `${used}`, `${at}: used ${used} but ${full} slots are full`),
  growthLeft: (at: string, want: number, max: number, full: number, deleted: number, growthLeft: number): FindingText =>
    t('swiss/growth-left', `${want} (${max} - ${full} full - ${deleted} deleted)`, `${growthLeft}`,
      `${at}: growthLeft ${growthLeft}; the table grows ${growthLeft > want ? 'too late (it can fill up)' : 'too early'}`),
  noEmpty: (at: string, slots: number): FindingText => t('swiss/no-empty', 'at least one empty slot', `0 empty of ${slots}`,
    `${at}: no empty slot: a lookup of an absent key probes forever`),

  // A group and its slots.
  /** `ctrls`: the group's control bytes, described. */
  mixedGroup: (at: string, ctrls: string): FindingText => t('swiss/mixed-group', 'no deleted slot beside an empty one', `ctrl [${ctrls}]`,
    `${at}: a tombstone is only left in a full group; one beside an empty slot is never needed`),
  ctrl: (at: string, ctrl: number): FindingText => t('swiss/ctrl', '0x80, 0xfe or 0x00-0x7f', byteHex(ctrl),
    `${at}: control byte ${byteHex(ctrl)} is neither empty, deleted nor an H2`),
  smallTombstone: (at: string): FindingText => t('swiss/small-tombstone', 'empty or full', 'deleted',
    `${at}: a small map never leaves tombstones (deleteSmall empties the slot)`),
  unreadable: (at: string, what: string, len: number, addr: bigint, err: string): FindingText =>
    t('swiss/unreadable', `${len} readable bytes at ${hex(addr)}`, 'unreadable', `${at}: ${what}: ${err}`),
  elemNil: (at: string): FindingText =>
    t('swiss/indirect-nil', 'a pointer to the elem', 'nil', `${at}: a full slot's indirect elem pointer is nil`),
  keyNil: (at: string): FindingText =>
    t('swiss/indirect-nil', 'a pointer to the key', 'nil', `${at}: a full slot's indirect key pointer is nil`),
  keyUncomparable: (at: string, typeName: string, message: string): FindingText =>
    t('swiss/key-comparable', 'a key of a comparable dynamic type', typeName, `${at}: ${message}`),
  /** `what`: "string data" when read for the key's identity, "data" when read for its hash. */
  keyDataUnreadable: (at: string, what: string, err: string): FindingText =>
    t('swiss/unreadable', `the key's ${what} readable`, 'unreadable', `${at}: key data: ${err}`),
  duplicate: (at: string, first: string): FindingText => t('swiss/duplicate', 'each key live once', `also live at ${first}`,
    `${at}: the key is live twice (also at ${first}); a lookup finds only one of them, and a delete leaves the other`),
  h2: (at: string, want: number, ctrl: number, hash: bigint): FindingText => t('swiss/h2', byteHex(want), byteHex(ctrl),
    `${at}: control byte ${byteHex(ctrl)} is not the key's H2 ${byteHex(want)} (hash ${hex(hash)}): ` +
      'a lookup of this key never compares it'),
  probeStopped: (at: string, group: number, stop: number, step: number, hash: bigint): FindingText =>
    t('swiss/probe', `no group with an empty slot before group ${group} on the probe sequence`,
      `group ${stop} (probe step ${step}) has an empty slot`,
      `${at}: a lookup stops at group ${stop} and never finds this key (hash ${hex(hash)})`),
  probeUnreached: (at: string, group: number, groups: number, mask: number): FindingText =>
    t('swiss/probe', `group ${group} on the probe sequence`, `not reached in ${groups} steps (lengthMask ${mask})`,
      `${at}: the key's probe sequence never reaches its group`),
  placementPast: (at: string, dirLen: number, index: bigint, globalShift: number): FindingText =>
    t('swiss/directory-placement', `a directory index below ${dirLen}`, `${index}`,
      `${at}: hash >> globalShift (${globalShift}) is past the directory`),
  /** `other`: the ordinal of the table directory[index] leads to, undefined for nil. */
  placementOther: (at: string, table: number, index: bigint, other: number | undefined): FindingText =>
    t('swiss/directory-placement', `table ${table}`, `directory[${index}] → ${other === undefined ? 'nil' : `table ${other}`}`,
      `${at}: the key's hash selects directory[${index}], which leads to another table; lookups never reach this one`),
} as const;
