/**
 * A MemoryReader with some bytes replaced: corrupts a real core's (or live
 * process's) memory for mutation tests without copying or rewriting the file.
 */
import type { MemoryReader } from '../../src/model/memory.js';

export class PatchedMemory implements MemoryReader {
  private readonly patches: { addr: bigint; bytes: Uint8Array }[] = [];
  constructor(private readonly base: MemoryReader) {}

  get arch() {
    return this.base.arch;
  }

  /** Replaces the bytes at addr (later patches win). */
  patch(addr: bigint, bytes: Uint8Array): this {
    this.patches.push({ addr, bytes });
    return this;
  }

  read(addr: bigint | number, len: number): Uint8Array {
    const a = BigInt(addr);
    const out = this.base.read(a, len).slice();
    for (const p of this.patches) {
      for (let i = 0; i < p.bytes.length; i++) {
        const at = p.addr + BigInt(i) - a;
        if (at >= 0n && at < BigInt(len)) out[Number(at)] = p.bytes[i];
      }
    }
    return out;
  }
}
