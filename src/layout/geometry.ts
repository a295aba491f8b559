/**
 * Where slot i's key and elem sit in a group (maps/group.go
 * groupReference.key/elem): KeysOff + i*KeyStride and ElemsOff +
 * i*ElemStride. Go 1.27 records these in the descriptor; 1.24–1.26 have the
 * interleaved layout only, 8 + i*SlotSize and 8 + i*SlotSize + ElemOff.
 * Pure, for the Swiss engine, the snapshot rebuild and the checker.
 */
import type { SwissLayout } from './index.js';

export interface SlotGeometry {
  readonly keysOff: number;
  readonly keyStride: number;
  readonly elemsOff: number;
  readonly elemStride: number;
}

export function slotGeometry(layout: SwissLayout): SlotGeometry {
  const slotsOff = layout.group.fields.find((f) => f.name === 'slots')!.offset;
  const d = layout.descriptor;
  return {
    keysOff: d.keysOff ?? slotsOff,
    keyStride: d.keyStride ?? layout.group.slotSize,
    elemsOff: d.elemsOff ?? slotsOff + layout.group.elemOffset,
    elemStride: d.elemStride ?? layout.group.slotSize,
  };
}
