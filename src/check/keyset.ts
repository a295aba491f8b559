/**
 * The live keys a check has seen, for the duplicate-key invariant, kept in
 * typed arrays so a map of millions of keys costs about 24 bytes a key
 * (a Map from identity texts to locations cost over 100, and made the
 * garbage collector the check's largest cost).
 *
 * A key is known by its identity text (keyIdentity: equal exactly when Go's
 * == holds). The set keeps only a 32-bit hash of that text, where the key's
 * bytes are (their address) and where the key is in the map (a number the
 * checker packs and unpacks); when two hashes match it asks the checker for
 * the identity at the stored address again, so a hash collision is never
 * taken for a duplicate.
 */

/** FNV-1a over the text's UTF-16 code units. */
function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class KeySet {
  private hashes: Uint32Array;
  private addrs: Float64Array;
  private codes: Float64Array;
  private n = 0;
  /** Open addressing over entry indices + 1 (0: empty), at most three quarters full. */
  private slots: Uint32Array;

  /**
   * `expected`: how many keys the map says it holds, which sizes the arrays
   * once (up to 2^25 keys; past that they grow). A corrupt count costs
   * address space, not memory: the arrays are zeroed pages until written;
   * `identityAt`: the identity of the key whose bytes are at `addr` (read again).
   */
  constructor(expected: number, private readonly identityAt: (addr: number) => string | null) {
    const n = Math.max(16, Math.min(expected, 1 << 25));
    this.hashes = new Uint32Array(n);
    this.addrs = new Float64Array(n);
    this.codes = new Float64Array(n);
    this.slots = new Uint32Array(2 ** Math.ceil(Math.log2((n * 4) / 3 + 1)));
  }

  get size(): number {
    return this.n;
  }

  /**
   * Adds the key whose identity is `id`, bytes at `addr` and location `code`;
   * if an equal key is already there, adds nothing and returns that key's code
   * (else -1).
   */
  add(id: string, addr: number, code: number): number {
    const h = hashText(id);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (let e = this.slots[i]; e !== 0; i = (i + 1) & mask, e = this.slots[i]) {
      const k = e - 1;
      if (this.hashes[k] === h && this.identityAt(this.addrs[k]) === id) return this.codes[k];
    }
    if (this.n === this.hashes.length) this.growEntries();
    const k = this.n++;
    this.hashes[k] = h;
    this.addrs[k] = addr;
    this.codes[k] = code;
    this.slots[i] = k + 1;
    if (this.n * 4 > this.slots.length * 3) this.growSlots();
    return -1;
  }

  private growEntries(): void {
    const n = Math.ceil(this.hashes.length * 1.5);
    const grow = <T extends Uint32Array | Float64Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes, new Uint32Array(n));
    this.addrs = grow(this.addrs, new Float64Array(n));
    this.codes = grow(this.codes, new Float64Array(n));
  }

  private growSlots(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let k = 0; k < this.n; k++) {
      let i = this.hashes[k] & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = k + 1;
    }
    this.slots = slots;
  }
}
