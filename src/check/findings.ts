/**
 * The finding collector both checkers share. Every finding is counted; at
 * most `limit` of each code are listed (--limit, --all up to
 * LIMITS.maxFindingsListed), and the rest reach the report as counts per code
 * (MapReport.omitted), never as findings, so memory stays bounded on garbage
 * while the totals stay true.
 *
 * A finding's words come from a template of its invariant catalogue
 * (src/check/classic/invariants.ts, src/check/swiss/invariants.ts): the
 * checkers say where and with which values, the catalogue says what it means.
 */
import type { Finding, FindingText, Invariant, Location, Omitted } from './types.js';

export class FindingCollector {
  readonly list: Finding[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly catalogue: ReadonlyMap<string, Invariant>,
    private readonly limit: number,
  ) {}

  /** Whether the next finding of this code will be listed (a location that costs reads is built only then). */
  listing(code: string): boolean {
    return (this.counts.get(code) ?? 0) < this.limit;
  }

  /** Counts the finding, and lists it while its code is under the limit; `location` is called only then. */
  add(location: Location | (() => Location), t: FindingText): void {
    const n = (this.counts.get(t.code) ?? 0) + 1;
    this.counts.set(t.code, n);
    if (n > this.limit) return;
    const inv = this.catalogue.get(t.code);
    if (!inv) throw new Error(`unknown invariant code ${t.code}`);
    const where = typeof location === 'function' ? location() : location;
    this.list.push({ code: t.code, severity: inv.severity, location: where, expected: t.expected, found: t.found, message: t.message });
  }

  /** Findings past the limit, as counts per code, in the order the codes were first found. */
  omitted(): Omitted[] {
    const out: Omitted[] = [];
    for (const [code, n] of this.counts) {
      if (n > this.limit) out.push({ code, severity: this.catalogue.get(code)!.severity, count: n - this.limit });
    }
    return out;
  }
}
