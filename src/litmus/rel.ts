/**
 * Binary relations over the events of one candidate execution, as bit
 * matrices: row i holds the successors of event i. The .cat operators map
 * one to one: `|` union, `&` inter, `\` minus, `;` seq, `+` plus, `[S]` id(S).
 * Executions have tens of events, so every operation is a few word loops.
 */
export class Rel {
  readonly words: number;
  readonly rows: Uint32Array;

  constructor(
    readonly n: number,
    rows?: Uint32Array,
  ) {
    this.words = (n + 31) >>> 5;
    this.rows = rows ?? new Uint32Array(n * this.words);
  }

  static from(n: number, pairs: Iterable<readonly [number, number]>): Rel {
    const r = new Rel(n);
    for (const [a, b] of pairs) r.add(a, b);
    return r;
  }

  /** The relation { (a, b) | pred(a, b) }. */
  static of(n: number, pred: (a: number, b: number) => boolean): Rel {
    const r = new Rel(n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (pred(a, b)) r.add(a, b);
    return r;
  }

  /** [S]: the identity on a set. */
  static id(n: number, set: Set_): Rel {
    const r = new Rel(n);
    for (let a = 0; a < n; a++) if (set.has(a)) r.add(a, a);
    return r;
  }

  add(a: number, b: number): void {
    this.rows[a * this.words + (b >>> 5)] |= 1 << (b & 31);
  }

  has(a: number, b: number): boolean {
    return (this.rows[a * this.words + (b >>> 5)] & (1 << (b & 31))) !== 0;
  }

  clone(): Rel {
    return new Rel(this.n, this.rows.slice());
  }

  union(...others: Rel[]): Rel {
    const r = this.clone();
    for (const o of others) for (let k = 0; k < r.rows.length; k++) r.rows[k] |= o.rows[k];
    return r;
  }

  inter(o: Rel): Rel {
    const r = this.clone();
    for (let k = 0; k < r.rows.length; k++) r.rows[k] &= o.rows[k];
    return r;
  }

  minus(o: Rel): Rel {
    const r = this.clone();
    for (let k = 0; k < r.rows.length; k++) r.rows[k] &= ~o.rows[k];
    return r;
  }

  /** this ; o */
  seq(o: Rel): Rel {
    const r = new Rel(this.n);
    const w = this.words;
    for (let a = 0; a < this.n; a++) {
      for (let b = 0; b < this.n; b++) {
        if (!this.has(a, b)) continue;
        for (let k = 0; k < w; k++) r.rows[a * w + k] |= o.rows[b * w + k];
      }
    }
    return r;
  }

  /** Restricts the domain to `dom` and the range to `ran`: [dom]; r; [ran]. */
  restrict(dom: Set_ | null, ran: Set_ | null): Rel {
    const r = new Rel(this.n);
    for (let a = 0; a < this.n; a++) {
      if (dom && !dom.has(a)) continue;
      for (let b = 0; b < this.n; b++) if (this.has(a, b) && (!ran || ran.has(b))) r.add(a, b);
    }
    return r;
  }

  inverse(): Rel {
    const r = new Rel(this.n);
    for (let a = 0; a < this.n; a++) for (let b = 0; b < this.n; b++) if (this.has(a, b)) r.add(b, a);
    return r;
  }

  /** r+ (Warshall). */
  plus(): Rel {
    const r = this.clone();
    const w = this.words;
    for (let k = 0; k < this.n; k++) {
      for (let a = 0; a < this.n; a++) {
        if (!r.has(a, k)) continue;
        for (let j = 0; j < w; j++) r.rows[a * w + j] |= r.rows[k * w + j];
      }
    }
    return r;
  }

  isEmpty(): boolean {
    for (let k = 0; k < this.rows.length; k++) if (this.rows[k] !== 0) return false;
    return true;
  }

  irreflexive(): boolean {
    for (let a = 0; a < this.n; a++) if (this.has(a, a)) return false;
    return true;
  }

  acyclic(): boolean {
    return this.plus().irreflexive();
  }

  /** range(r) as a set. */
  range(): Set_ {
    const s = new Set_(this.n);
    for (let a = 0; a < this.n; a++) for (let b = 0; b < this.n; b++) if (this.has(a, b)) s.add(b);
    return s;
  }

  pairs(): [number, number][] {
    const out: [number, number][] = [];
    for (let a = 0; a < this.n; a++) for (let b = 0; b < this.n; b++) if (this.has(a, b)) out.push([a, b]);
    return out;
  }
}

/** A set of events. */
export class Set_ {
  private readonly bits: Uint8Array;
  constructor(readonly n: number) {
    this.bits = new Uint8Array(n);
  }
  static of(n: number, pred: (a: number) => boolean): Set_ {
    const s = new Set_(n);
    for (let a = 0; a < n; a++) if (pred(a)) s.add(a);
    return s;
  }
  add(a: number): void {
    this.bits[a] = 1;
  }
  has(a: number): boolean {
    return this.bits[a] === 1;
  }
  union(o: Set_): Set_ {
    return Set_.of(this.n, (a) => this.has(a) || o.has(a));
  }
  inter(o: Set_): Set_ {
    return Set_.of(this.n, (a) => this.has(a) && o.has(a));
  }
  minus(o: Set_): Set_ {
    return Set_.of(this.n, (a) => this.has(a) && !o.has(a));
  }
}
