/**
 * Map type descriptors: the figures the runtime's map code reads, decoded per
 * layout (docs/binary-format.md §5 "Map descriptors"; Go 1.27 from internal/abi/map.go of go1.27.3).
 *
 * - classic (Go 1.14–1.23, 1.24/1.25 with noswissmap): Key, Elem, Bucket,
 *   Hasher, KeySize u8, ValueSize u8, BucketSize u16, Flags u32.
 *   1.12–1.13 have no Hasher.
 * - classic-1.11 (Go 1.11; runtime/type.go of that release): Key, Elem, Bucket,
 *   keysize u8, indirectkey bool, valuesize u8, indirectvalue bool,
 *   bucketsize u16, reflexivekey bool, needkeyupdate bool. The bools are
 *   reported as the flags word 1.12 replaced them with (1 indirectkey,
 *   2 indirectvalue, 4 reflexivekey, 8 needkeyupdate), the same facts.
 *   Checked on buildifier 0.19.2 (go1.11.2): map[string]bool reads
 *   16, 0, 1, 0, 152, 1, 1, and its bucket type's size is 152.
 * - swiss (1.24–1.26): Key, Elem, Group, Hasher, GroupSize, SlotSize, ElemOff
 *   (uintptrs), Flags u32.
 * - swiss-1.27: GroupSize, KeysOff, KeyStride, ElemsOff, ElemStride, ElemOff, Flags.
 *
 * Which one applies is decided per type by the bucket/group type's name
 * (TypeReader.mapAbiOf), not by the version alone.
 */
import type { RuntimeType, MapAbi, TypeReader } from './types.js';

export interface MapInfo {
  type: string;
  key: string;
  elem: string;
  impl: 'classic' | 'swiss';
  /** The descriptor layout used to decode it. */
  abi: MapAbi;
  /** Whether the implementation came from the bucket/group type name (else from the version). */
  implFromName: boolean;
  /** Classic: descriptor KeySize/ValueSize (slot sizes; pointer size when indirect). Swiss: Size_ of the key/elem types. */
  keySize: number;
  elemSize: number;
  bucketSize?: number;
  groupSize?: number;
  slotSize?: number;
  elemOffset?: number;
  /** Go 1.27 split-group figures. */
  keysOff?: number;
  keyStride?: number;
  elemsOff?: number;
  elemStride?: number;
  flags: number;
  indirectKey: boolean;
  indirectElem: boolean;
  /** Name and Size_ of the bucket/group type. */
  bucketType: string;
  bucketTypeSize: number;
  /** Descriptor address (hex in output). */
  addr: number;
  /** Whether mapscope's layout model gives the same figures ('skipped' outside Go 1.13–1.27 or an unknown GOARCH). */
  model: 'agrees' | 'disagrees' | 'skipped';
  /** Whether the binary's DWARF describes the same bucket/group ('absent' without DWARF or no matching typedef). */
  dwarf: 'agrees' | 'disagrees' | 'absent';
  /** Inconsistencies inside the binary (e.g. BucketSize != bucket.Size_). */
  problems: string[];
}

export function decodeMap(r: TypeReader, t: RuntimeType): MapInfo {
  const m = r.ctx.mem;
  const W = r.ctx.ptrSize;
  const H = W === 8 ? 48 : 32;
  const key = r.type(m.word(t.addr + H, 'map key'));
  const elem = r.type(m.word(t.addr + H + W, 'map elem'));
  const bucketAddr = m.word(t.addr + H + 2 * W, 'map bucket');
  const bucket = bucketAddr ? r.type(bucketAddr) : undefined;
  const { abi, byName } = r.mapAbiOf(t);
  const problems: string[] = [];
  const base = {
    type: t.str,
    key: key.str,
    elem: elem.str,
    abi,
    implFromName: byName,
    bucketType: bucket?.str ?? '',
    bucketTypeSize: bucket?.size ?? 0,
    addr: t.addr,
    problems,
    model: 'skipped' as MapInfo['model'],
    dwarf: 'absent' as MapInfo['dwarf'],
  };
  if (abi === 'classic-1.11') {
    const at = t.addr + H + 3 * W;
    const keySize = m.u8(at, 'map keysize');
    const elemSize = m.u8(at + 2, 'map valuesize');
    const bucketSize = m.u16(at + 4, 'map bucketsize');
    const bit = (off: number, v: number) => (m.u8(at + off, 'map flag byte') ? v : 0);
    const flags = bit(1, 1) | bit(3, 2) | bit(6, 4) | bit(7, 8);
    if (bucket && bucket.size !== bucketSize) problems.push(`BucketSize ${bucketSize} != ${bucket.str} size ${bucket.size}`);
    return { ...base, impl: 'classic', keySize, elemSize, bucketSize, flags, indirectKey: (flags & 1) !== 0, indirectElem: (flags & 2) !== 0 };
  }
  if (abi === 'classic' || abi === 'classic-1.12') {
    const at = t.addr + H + (abi === 'classic' ? 4 : 3) * W;
    const keySize = m.u8(at, 'map KeySize');
    const elemSize = m.u8(at + 1, 'map ValueSize');
    const bucketSize = m.u16(at + 2, 'map BucketSize');
    const flags = m.u32(at + 4, 'map flags');
    if (bucket && bucket.size !== bucketSize) problems.push(`BucketSize ${bucketSize} != ${bucket.str} size ${bucket.size}`);
    return { ...base, impl: 'classic', keySize, elemSize, bucketSize, flags, indirectKey: (flags & 1) !== 0, indirectElem: (flags & 2) !== 0 };
  }
  const at = t.addr + H + 4 * W;
  const groupSize = m.word(at, 'map GroupSize');
  if (bucket && bucket.size !== groupSize) problems.push(`GroupSize ${groupSize} != ${bucket.str} size ${bucket.size}`);
  if (abi === 'swiss') {
    const slotSize = m.word(at + W, 'map SlotSize');
    const elemOffset = m.word(at + 2 * W, 'map ElemOff');
    const flags = m.u32(at + 3 * W, 'map flags');
    return { ...base, impl: 'swiss', keySize: key.size, elemSize: elem.size, groupSize, slotSize, elemOffset, flags, indirectKey: (flags & 4) !== 0, indirectElem: (flags & 8) !== 0 };
  }
  const keysOff = m.word(at + W, 'map KeysOff');
  const keyStride = m.word(at + 2 * W, 'map KeyStride');
  const elemsOff = m.word(at + 3 * W, 'map ElemsOff');
  const elemStride = m.word(at + 4 * W, 'map ElemStride');
  const elemOffset = m.word(at + 5 * W, 'map ElemOff');
  const flags = m.u32(at + 6 * W, 'map flags');
  // With interleaved slots (the default) KeyStride == ElemStride == the slot size.
  const slotSize = keyStride === elemStride ? keyStride : undefined;
  return {
    ...base, impl: 'swiss', keySize: key.size, elemSize: elem.size, groupSize, slotSize, elemOffset,
    keysOff, keyStride, elemsOff, elemStride, flags, indirectKey: (flags & 4) !== 0, indirectElem: (flags & 8) !== 0,
  };
}
