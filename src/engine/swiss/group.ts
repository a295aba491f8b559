/**
 * One group in memory: its control word, and where slot i's key and elem
 * live (maps/group.go groupReference.key/elem: KeysOff + i*KeyStride,
 * ElemsOff + i*ElemStride; for the interleaved layout of 1.24–1.27 that is
 * 8 + i*SlotSize and 8 + i*SlotSize + ElemOff).
 */
import { Ctrl } from './ctrl.js';
import type { Ctx } from './ctx.js';

export class Group {
  readonly ctrl: Ctrl;

  constructor(private readonly cx: Ctx, readonly addr: number, bytes?: Uint8Array, offset?: number) {
    this.ctrl = new Ctrl(cx.mem, addr, cx.layout.group.ctrlByteOfSlot, bytes, offset);
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
    const cx = this.cx;
    let k = this.keySlot(i);
    if (cx.keyIndirect) {
      const obj = cx.mem.alloc(cx.keySize, 'indirect key');
      cx.mem.setPtr(k, obj);
      k = obj;
    }
    cx.mem.copy(k, key, cx.keySize);
    let e = this.elemSlot(i);
    if (cx.elemIndirect) {
      const obj = cx.mem.alloc(cx.elemSize, 'indirect elem');
      cx.mem.setPtr(e, obj);
      e = obj;
    }
    return e;
  }

  /** uncheckedPutSlot's copy: pointers move as they are when indirect. */
  moveIn(i: number, key: number, elem: number): void {
    const cx = this.cx;
    if (cx.keyIndirect) cx.mem.setPtr(this.keySlot(i), key);
    else cx.mem.copy(this.keySlot(i), key, cx.keySize);
    if (cx.elemIndirect) cx.mem.setPtr(this.elemSlot(i), elem);
    else cx.mem.copy(this.elemSlot(i), elem, cx.elemSize);
  }

  /** Delete's clearing: the key only if indirect (nil the pointer) or pointerful; the elem always. */
  clearForDelete(i: number): void {
    const cx = this.cx;
    if (cx.keyIndirect) cx.mem.setPtr(this.keySlot(i), 0);
    else if (cx.keyHasPointers) cx.mem.zero(this.keySlot(i), cx.keySize);
    if (cx.elemIndirect) cx.mem.setPtr(this.elemSlot(i), 0);
    else cx.mem.zero(this.elemSlot(i), cx.elemSize);
  }

  /** typedmemclr(typ.Group, g) then setEmpty. */
  wipe(): void {
    this.cx.mem.zero(this.addr, this.cx.groupSize);
    this.ctrl.setEmpty();
  }
}
