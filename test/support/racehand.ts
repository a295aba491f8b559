/**
 * The hand derivation of two writers' flag protocol (the rules are written
 * out at the top of test/race-sim.test.ts): `handCount` counts, without the
 * simulator, the interleavings of two goroutines of `len` steps each whose
 * flag steps are at the positions `I`, per verdict. test/race-sim.test.ts
 * (the small map, classic and Swiss) and test/race-steps.test.ts (a Swiss
 * table) use it.
 */
export type Idx = { C: number; L: number; S: number; C2: number; L2: number; S2: number };
export type Verdict = 'caught' | 'benign' | 'corrupt';
const FLAG_STEPS = ['C', 'L', 'S', 'C2', 'L2', 'S2'] as const;

/** The rules above, for the flag steps' times pos[g][step] (a = x stores first). */
function verdict(pos: Record<string, number>[], swiss: boolean): Verdict {
  const first = (x: number, y: number): Verdict | undefined => {
    const A = (k: string) => pos[x][k];
    const B = (k: string) => pos[y][k];
    if (!(A('S') < B('S'))) return undefined;
    if (A('S2') < B('C')) return 'benign'; // (i)
    if (!(B('C') < A('S'))) return 'caught';
    if (A('S2') < B('S')) return B('L') < A('S') || A('S2') < B('L') ? 'benign' : 'caught'; // O1
    if (B('L') < A('S')) { // O2b, O3
      if (!(B('C2') < A('S2') && A('C2') < B('S2'))) return 'caught';
      if (!swiss) return 'benign';
      const [laterL2, earlierS2] = A('S2') > B('S2') ? [A('L2'), B('S2')] : [B('L2'), A('S2')];
      return laterL2 > earlierS2 ? 'corrupt' : 'benign';
    }
    if (swiss && A('C2') < B('S') && B('S') < A('L2') && A('S2') < B('C2')) return 'benign'; // O2a
    return 'caught';
  };
  return first(0, 1) ?? (first(1, 0) as Verdict);
}

/** Interleavings of two goroutines of `len` steps per verdict (see the comment at the top). */
export function handCount(len: number, I: Idx, swiss: boolean): Record<Verdict, number> & { total: number } {
  const idx = FLAG_STEPS.map((k) => I[k]);
  const flagAt = (i: number): number => idx.indexOf(i); // which flag step the goroutine's step i is, or -1
  const flagsUpTo = (i: number): number => idx.filter((x) => x <= i).length;
  const out = { total: 0, caught: 0, benign: 0, corrupt: 0 };
  const order: number[] = [];
  const orders = (na: number, nb: number): void => {
    if (na === 0 && nb === 0) {
      const pos = [{}, {}] as Record<string, number>[];
      const seen = [0, 0];
      order.forEach((g, t) => { pos[g][FLAG_STEPS[seen[g]++]] = t; });
      // Words whose flag steps come in `order`: paths over (a's steps done, b's steps done).
      const f = Array.from({ length: len + 1 }, () => new Array<number>(len + 1).fill(0));
      f[0][0] = 1;
      for (let i = 0; i <= len; i++) {
        for (let j = 0; j <= len; j++) {
          if (!f[i][j]) continue;
          const k = flagsUpTo(i) + flagsUpTo(j);
          if (i < len && (flagAt(i + 1) < 0 || order[k] === 0)) f[i + 1][j] += f[i][j];
          if (j < len && (flagAt(j + 1) < 0 || order[k] === 1)) f[i][j + 1] += f[i][j];
        }
      }
      const words = f[len][len];
      out.total += words;
      out[verdict(pos, swiss)] += words;
      return;
    }
    for (const [g, left] of [[0, na], [1, nb]] as const) {
      if (!left) continue;
      order.push(g);
      orders(g === 0 ? na - 1 : na, g === 1 ? nb - 1 : nb);
      order.pop();
    }
  };
  orders(6, 6);
  return out;
}

