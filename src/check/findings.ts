/**
 * The findings of one map, as both checkers collect them: each code's
 * severity from its catalogue, at most LIMITS.maxFindingsPerCode listed per
 * code, and one summary finding per code that counts the rest, so the
 * counts add up (listed + "N more" = all found).
 */
import { LIMITS, type Finding, type Invariant, type Location } from './types.js';

export class FindingCollector {
  private readonly list: Finding[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly catalogue: ReadonlyMap<string, Invariant>) {}

  add(code: string, location: Location, expected: string, found: string, message: string): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n > LIMITS.maxFindingsPerCode) return;
    this.list.push({ code, severity: this.invariant(code).severity, location, expected, found, message });
  }

  /** The listed findings, then one summary per code past the cap. */
  finish(): Finding[] {
    const out = [...this.list];
    for (const [code, n] of this.counts) {
      if (n <= LIMITS.maxFindingsPerCode) continue;
      const more = n - LIMITS.maxFindingsPerCode;
      out.push({
        code,
        severity: this.invariant(code).severity,
        location: { text: 'map' },
        expected: '-',
        found: `${more} more`,
        message: `${more} more findings of ${code} not listed (${n} in all)`,
      });
    }
    return out;
  }

  private invariant(code: string): Invariant {
    const inv = this.catalogue.get(code);
    if (!inv) throw new Error(`unknown invariant code ${code}`);
    return inv;
  }
}
