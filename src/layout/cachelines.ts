/**
 * Where a bucket or group falls on cache lines.
 *
 * The runtime allocates bucket and group arrays from size classes whose
 * blocks start on a cache-line boundary for the sizes maps use, so we assume
 * the array starts on a line (the question the user asks is "given an
 * aligned start, which fields share a line and does a bucket straddle one").
 * Element i of the array occupies [i*S, (i+1)*S); the pattern repeats every
 * lcm(S, L)/S elements.
 */
export interface LineSpan {
  readonly first: number;
  readonly last: number;
}

/** The cache lines [first, last] that bytes [offset, offset+size) touch; a zero-size field touches its offset's line. */
export function linesOf(offset: number, size: number, line: number): LineSpan {
  const first = Math.floor(offset / line);
  return { first, last: size === 0 ? first : Math.floor((offset + size - 1) / line) };
}

export interface ArrayLineStats {
  /** Elements in one repeating period of the array against lines. */
  readonly period: number;
  /** How many of those have a line boundary strictly inside them (they straddle). */
  readonly straddling: number;
  /** Whether element 0, at a line-aligned start, straddles. */
  readonly firstStraddles: boolean;
  /** Lines one element touches, at the least and at the most. */
  readonly minLines: number;
  readonly maxLines: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function arrayLineStats(elemSize: number, line: number): ArrayLineStats {
  if (elemSize === 0) return { period: 1, straddling: 0, firstStraddles: false, minLines: 1, maxLines: 1 };
  const period = line / gcd(elemSize, line);
  let straddling = 0;
  let minLines = Infinity;
  let maxLines = 0;
  for (let i = 0; i < period; i++) {
    const s = linesOf(i * elemSize, elemSize, line);
    const n = s.last - s.first + 1;
    if (n > 1) straddling++;
    minLines = Math.min(minLines, n);
    maxLines = Math.max(maxLines, n);
  }
  return { period, straddling, firstStraddles: elemSize > line, minLines, maxLines };
}
