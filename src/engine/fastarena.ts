/**
 * What the two engines' fast paths (classic/fast.ts, swiss/fast.ts) share.
 *
 * Both run only on little-endian 64-bit targets with direct 8-byte integer
 * or 16-byte string-header keys (their `for` checks say so), and both work
 * on the simulated memory's arena as plain numbers: its bytes, the same
 * bytes as 32-bit words, pointer words turned into arena offsets, and the
 * operation's key, which the caller encodes once into a scratch slot of the
 * arena. Comparing that scratch key with a slot's key and copying it into a
 * slot are the same in both maps, so they live here once.
 */
import type { SimMemory } from '../model/memory.js';

export const TWO32 = 4294967296;

/**
 * The bytes of the 32-bit word x equal to the byte repeated in b4 (b * 0x01010101): bit 7 of each
 * such byte set, every other bit clear. Exact (no false positives: no carry crosses a byte), so a
 * group's or bucket's eight control or tophash bytes are matched in two words, not eight loads.
 * On the little-endian targets and host of the fast paths, byte j of word k is slot 4k + j.
 */
export function eqBytes(x: number, b4: number): number {
  const y = x ^ b4;
  return ~(((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y) & 0x80808080;
}

/** The slot (0..3) of the lowest byte flagged in m (a non-zero eqBytes result or high-bit mask). */
export function firstByte(m: number): number {
  return (31 - Math.clz32(m & -m)) >> 3;
}

export abstract class FastArena {
  protected a: Uint8Array;
  protected w: Uint32Array;
  /** The arena's first simulated address: an arena offset is an address minus base. */
  protected readonly base: number;
  /** The scratch key's arena offset. */
  protected readonly ko: number;

  /** `str`: keys are string headers (pointer, length), else 8-byte integers; `scratchKey`: its address. */
  protected constructor(private readonly mem: SimMemory, protected readonly str: boolean, scratchKey: number) {
    this.base = mem.base;
    this.ko = scratchKey - this.base;
    this.a = mem.arena;
    this.w = new Uint32Array(this.a.buffer, this.a.byteOffset, this.a.length >> 2);
  }

  /** Re-reads the arena (anything that allocates may have replaced it by a larger copy). */
  protected sync(): Uint8Array {
    const a = this.mem.arena;
    if (a !== this.a) {
      this.a = a;
      this.w = new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
    }
    return a;
  }

  /** Writes a non-negative integer below 2^53 as the 8 bytes at arena offset o (what the encoder writes). */
  protected setNumber(o: number, v: number): void {
    this.sync();
    const hi = Math.floor(v / TWO32);
    this.w[o >> 2] = v - hi * TWO32;
    this.w[(o >> 2) + 1] = hi;
  }

  /** Makes the scratch key the integer v. */
  setKeyNumber(v: number): void {
    this.setNumber(this.ko, v);
  }

  /** The pointer-sized word at arena offset o, as an arena offset (-1 for nil). */
  protected ptrOff(o: number): number {
    const w = this.w;
    const p = w[o >> 2] + w[(o >> 2) + 1] * TWO32;
    return p === 0 ? -1 : p - this.base;
  }

  /** Whether the key stored at arena offset k equals the scratch key (strings by their bytes, as Go's ==). */
  protected eq(k: number): boolean {
    const w = this.w;
    const x = k >> 2;
    const y = this.ko >> 2;
    if (!this.str) return w[x] === w[y] && w[x + 1] === w[y + 1];
    const len = w[x + 2];
    if (len !== w[y + 2] || w[x + 3] !== w[y + 3]) return false;
    if (len === 0) return true;
    const pa = this.ptrOff(k);
    const pb = this.ptrOff(this.ko);
    if (pa === pb) return true;
    const a = this.a;
    for (let i = 0; i < len; i++) if (a[pa + i] !== a[pb + i]) return false;
    return true;
  }

  /**
   * Copies n bytes from arena offset src to dst (non-overlapping): 32-bit words when all three are
   * multiples of 4 (every slot of the fast paths' maps), else bytes. TypedArray copyWithin and
   * fill are builtin calls, which cost more than the few words of a key or an elem.
   */
  protected copyBytes(dst: number, src: number, n: number): void {
    if (((dst | src | n) & 3) === 0) {
      const w = this.w;
      const d = dst >> 2;
      const s = src >> 2;
      for (let i = 0; i < n >> 2; i++) w[d + i] = w[s + i];
    } else {
      const a = this.a;
      for (let i = 0; i < n; i++) a[dst + i] = a[src + i];
    }
  }

  /** Zeroes n bytes at arena offset o, by words when o and n are multiples of 4. */
  protected zeroBytes(o: number, n: number): void {
    if (((o | n) & 3) === 0) {
      const w = this.w;
      const d = o >> 2;
      for (let i = 0; i < n >> 2; i++) w[d + i] = 0;
    } else {
      const a = this.a;
      for (let i = 0; i < n; i++) a[o + i] = 0;
    }
  }

  /** Copies the scratch key into the slot key at arena offset k (8-byte aligned, as `for` checked). */
  protected copyKey(k: number): void {
    const w = this.w;
    const x = k >> 2;
    const y = this.ko >> 2;
    w[x] = w[y];
    w[x + 1] = w[y + 1];
    if (this.str) {
      w[x + 2] = w[y + 2];
      w[x + 3] = w[y + 3];
    }
  }
}
