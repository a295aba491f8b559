/**
 * One group in memory: its control word, and where slot i's key and elem
 * live (maps/group.go groupReference.key/elem: KeysOff + i*KeyStride,
 * ElemsOff + i*ElemStride; for the interleaved layout of 1.24–1.27 that is
 * 8 + i*SlotSize and 8 + i*SlotSize + ElemOff).
 */
import { Ctrl, SLOTS } from './ctrl.js';
import type { Ctx } from './ctx.js';

export class Group {
  readonly ctrl: Ctrl;

  constructor(private readonly cx: Ctx, readonly addr: number) {
    this.ctrl = new Ctrl(cx.mem, addr, cx.layout.group.ctrlByteOfSlot);
  }

  /** Address of slot i's key field (a pointer to the key when indirect). */
  keySlot(i: number): number {
    return this.addr + this.cx.keysOff + i * this.cx.keyStride;
  }

  elemSlot(i: number): number {
    return this.addr + this.cx.elemsOff + i * this.cx.elemStride;
  }

  /** Address of the key value itself (through the pointer when indirect). */
  key(i: number): number {
    return this.cx.keyIndirect ? this.cx.mem.ptr(this.keySlot(i)) : this.keySlot(i);
  }

  elem(i: number): number {
    return this.cx.elemIndirect ? this.cx.mem.ptr(this.elemSlot(i)) : this.elemSlot(i);
  }

  /** A new key in slot i: newobject when indirect, then typedmemmove. Returns the elem address. */
  storeNew(i: number, key: number): number {
    return storeNewAt(this.cx, this.addr, i, key);
  }

  /** uncheckedPutSlot's copy: pointers move as they are when indirect. */
  moveIn(i: number, key: number, elem: number): void {
    moveInAt(this.cx, this.addr, i, key, elem);
  }

  /** Delete's clearing: the key only if indirect (nil the pointer) or pointerful; the elem always. */
  clearForDelete(i: number): void {
    clearForDeleteAt(this.cx, this.addr, i);
  }

  /** typedmemclr(typ.Group, g) then setEmpty (the full slots' indirect objects become garbage: freed). */
  wipe(): void {
    if (this.cx.keyIndirect || this.cx.elemIndirect) {
      for (let i = 0; i < SLOTS; i++) {
        if (this.ctrl.get(i) & 0x80) continue;
        if (this.cx.keyIndirect) freeObject(this.cx, this.keySlot(i));
        if (this.cx.elemIndirect) freeObject(this.cx, this.elemSlot(i));
      }
    }
    this.cx.mem.zero(this.addr, this.cx.groupSize);
    this.ctrl.setEmpty();
  }
}

// The two stores of a slot as functions of the group's address, for the hot
// paths that do not build a Group view per operation.

/** Group.storeNew for the group at `g`. */
export function storeNewAt(cx: Ctx, g: number, i: number, key: number): number {
  const { k, e } = claimNewAt(cx, g, i);
  cx.mem.copy(k, key, cx.keySize);
  return e;
}

/**
 * storeNew without the key's copy: the indirect key and elem objects
 * allocated and linked; returns where the key goes and the elem's address
 * (race's stepped store copies the key itself, store by store).
 */
export function claimNewAt(cx: Ctx, g: number, i: number): { k: number; e: number } {
  let k = g + cx.keysOff + i * cx.keyStride;
  if (cx.keyIndirect) {
    const obj = cx.mem.alloc(cx.keySize, 'indirect key');
    cx.mem.setPtr(k, obj);
    k = obj;
  }
  let e = g + cx.elemsOff + i * cx.elemStride;
  if (cx.elemIndirect) {
    const obj = cx.mem.alloc(cx.elemSize, 'indirect elem');
    cx.mem.setPtr(e, obj);
    e = obj;
  }
  return { k, e };
}

/** Group.clearForDelete for the group at `g`. */
export function clearForDeleteAt(cx: Ctx, g: number, i: number): void {
  const k = g + cx.keysOff + i * cx.keyStride;
  const e = g + cx.elemsOff + i * cx.elemStride;
  // An indirect key or elem object: the slot's pointer was its only reference, so it is garbage.
  if (cx.keyIndirect) freeObject(cx, k);
  if (cx.elemIndirect) freeObject(cx, e);
  if (cx.keyIndirect) cx.mem.setPtr(k, 0);
  else if (cx.keyHasPointers) cx.mem.zero(k, cx.keySize);
  if (cx.elemIndirect) cx.mem.setPtr(e, 0);
  else cx.mem.zero(e, cx.elemSize);
}

/** Frees the object the pointer at `slot` points to, if any. */
function freeObject(cx: Ctx, slot: number): void {
  const p = cx.mem.ptr(slot);
  if (p !== 0) cx.mem.free(p);
}

/** Group.moveIn for the group at `g`. */
export function moveInAt(cx: Ctx, g: number, i: number, key: number, elem: number): void {
  const k = g + cx.keysOff + i * cx.keyStride;
  const e = g + cx.elemsOff + i * cx.elemStride;
  if (cx.keyIndirect) cx.mem.setPtr(k, key);
  else cx.mem.copy(k, key, cx.keySize);
  if (cx.elemIndirect) cx.mem.setPtr(e, elem);
  else cx.mem.copy(e, elem, cx.elemSize);
}
