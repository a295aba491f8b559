/**
 * The DWARF numbers mapscope's readers use, named (the DWARF 5 standard, §7.5;
 * Go's own extensions from cmd/internal/dwarf), in the manner of Go's
 * debug/dwarf/const.go: readers compare against `AT.type`, never a bare 0x49.
 * Only the codes a reader uses are here; a new reader adds its own.
 */

/** DW_TAG_*: what a DIE describes. */
export const TAG = {
  arrayType: 0x01,
  formalParameter: 0x05,
  label: 0x0a,
  lexicalBlock: 0x0b,
  member: 0x0d,
  pointerType: 0x0f,
  compileUnit: 0x11,
  structType: 0x13,
  typedef: 0x16,
  inlinedSubroutine: 0x1d,
  subrangeType: 0x21,
  baseType: 0x24,
  subprogram: 0x2e,
  variable: 0x34,
  callSite: 0x48,
} as const;

/** DW_AT_*: an attribute of a DIE; the 0x29xx ones are Go's (cmd/internal/dwarf DW_AT_go_*). */
export const AT = {
  location: 0x02,
  name: 0x03,
  byteSize: 0x0b,
  upperBound: 0x2f,
  count: 0x37,
  dataMemberLocation: 0x38,
  type: 0x49,
  strOffsetsBase: 0x72,
  addrBase: 0x73,
  /** The reflect.Kind of a Go type. */
  goKind: 0x2900,
  /** A map type's key type. */
  goKey: 0x2901,
  /** A map, slice, chan or pointer type's element type. */
  goElem: 0x2902,
  /** A struct member that is an embedded field. */
  goEmbedded: 0x2903,
  /** The address of the type's runtime type descriptor. */
  goRuntimeType: 0x2904,
} as const;

/** DW_FORM_*: how an attribute's value is encoded. */
export const FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  refAddr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  refUdata: 0x15,
  indirect: 0x16,
  secOffset: 0x17,
  exprloc: 0x18,
  flagPresent: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  data16: 0x1e,
  lineStrp: 0x1f,
  refSig8: 0x20,
  implicitConst: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
} as const;

/** DW_OP_*: location expression operators. */
export const OP = {
  /** A constant address follows (a global variable's location). */
  addr: 0x03,
} as const;
