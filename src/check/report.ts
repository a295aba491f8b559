/**
 * What `mapscope check` prints: one line per finding for people, the JSON
 * document of docs/json.md ("check") for machines, and the two pieces of
 * bookkeeping that depend on how the memory was read — torn-read marking for
 * a running process, and first-seen times for --watch.
 */
import type { Finding, Invariant, MapReport } from './types.js';

export interface CheckDocument {
  ok: boolean;
  /** Where the memory came from: "snapshot", "core", "live". */
  source: {
    kind: 'snapshot' | 'core' | 'live';
    file?: string;
    binary?: string;
    pid?: number;
    frozen?: boolean;
    go?: string;
    arch?: string;
    /** --freeze: how long the process was stopped (milliseconds) and how many bytes were copied meanwhile. */
    pauseMs?: number;
    copiedBytes?: number;
  };
  maps: MapReport[];
}

/** The document as docs/json.md gives it: a map rebuilt from a snapshot has `address: null`, never a made-up one. */
export function documentJSON(doc: CheckDocument): string {
  const total = doc.maps.reduce((s, m) => s + findingCount(m), 0);
  const maps = doc.maps.map((m) => ({ ...m, address: m.address || null, findingCount: findingCount(m) }));
  return JSON.stringify({ ...doc, findings: total, maps }, null, 2);
}

/** Every finding of a map: those listed and those counted in `omitted`. */
export function findingCount(m: MapReport): number {
  return m.findings.length + m.omitted.reduce((s, o) => s + o.count, 0);
}

/** Worst first, then by code, so the line that matters most leads. */
const RANK = { error: 0, warning: 1, info: 2 } as const;

export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** The info finding each catalogue raises when the map's writing flag is set. */
const WRITING = new Set(['classic/writing', 'swiss/writing']);

/**
 * Findings a write could explain in an intact map are marked rather than
 * trusted. Two situations:
 * - `running`: a process read without stopping it. Its bytes are read over
 *   time while the program keeps writing (growth moving keys, cleared and
 *   reused buckets), so any finding at all can come from reading different
 *   parts at different moments: every finding is marked (gosrc/churn's test
 *   saw a shared overflow chain this way in an intact Go 1.22 map).
 * - `writing`: memory read all at once (a core, a frozen process) while the
 *   map's own writing flag (hashWriting / Map.writing, set for the whole of
 *   every insert, delete and grow step) says a write was half done: findings
 *   of tearable invariants are marked; the rest (an illegal control byte, a
 *   cycle) no write in progress produces.
 */
export function markTorn(r: MapReport, catalogue: readonly Invariant[], running: boolean): void {
  const writing = r.findings.some((f) => WRITING.has(f.code));
  if (!running && !writing) return;
  const tearable = new Set(catalogue.filter((i) => i.tearable).map((i) => i.code));
  for (const f of r.findings) {
    if (WRITING.has(f.code) || (!running && !tearable.has(f.code))) continue;
    f.possiblyTorn = true;
    f.tornBy = running ? 'running' : 'writing';
  }
}

/**
 * A map is broken when any finding is an error or a warning, possibly torn
 * or not (the mark says how far to trust it; `--freeze` settles a running
 * process); `info` findings alone (a map caught mid-write) are not.
 */
export function isBroken(r: MapReport): boolean {
  return r.findings.some((f) => f.severity !== 'info') || r.omitted.some((o) => o.severity !== 'info');
}

export function findingLine(f: Finding): string {
  const where = f.location.key !== undefined ? `${f.location.text} key ${f.location.key}` : f.location.text;
  const at = f.location.address ? `${where} @${f.location.address}` : where;
  const torn = !f.possiblyTorn
    ? ''
    : f.tornBy === 'writing' ? ' (possibly torn: a write was in progress)' : ' (possibly torn: the process was running)';
  // Messages may open with their location already; say it once.
  const message = f.message.startsWith(`${f.location.text}: `) ? f.message.slice(f.location.text.length + 2) : f.message;
  return `${f.severity.padEnd(7)} ${f.code}  ${at}: ${message} (expected ${f.expected}, found ${f.found})${torn}`;
}

export function mapText(r: MapReport): string {
  const lines: string[] = [];
  const n = findingCount(r);
  const state = n === 0 ? 'intact' : isBroken(r) ? `BROKEN: ${n} finding${n === 1 ? '' : 's'}` : `${n} note${n === 1 ? '' : 's'}`;
  const at = r.address ? ` @${r.address}` : '';
  lines.push(`${r.name}  ${r.type}  ${r.impl}${at}  count ${r.count}  ${state}`);
  for (const f of sortFindings(r.findings)) lines.push(`  ${findingLine(f)}`);
  for (const o of r.omitted) {
    lines.push(`  … ${o.count} more ${o.code} finding${o.count === 1 ? '' : 's'} not listed (--limit N or --all lists more)`);
  }
  for (const u of r.unchecked) lines.push(`  not checked: ${u.code}: ${u.reason}`);
  return lines.join('\n');
}

export function summaryLine(maps: MapReport[]): string {
  const broken = maps.filter(isBroken).length;
  const findings = maps.reduce((s, m) => s + findingCount(m), 0);
  const listed = maps.reduce((s, m) => s + m.findings.length, 0);
  const partial = listed < findings ? ` (${listed} listed)` : '';
  const checked = `${maps.length} map${maps.length === 1 ? '' : 's'} checked`;
  return `${checked}: ${maps.length - broken} intact, ${broken} broken, ${findings} finding${findings === 1 ? '' : 's'}${partial}`;
}

/** A finding's identity across repeated reads (--watch): same code at the same place. */
export function findingKey(mapName: string, f: Finding): string {
  return `${mapName}\u0000${f.code}\u0000${f.location.text}`;
}

/** Remembers when each finding was first seen across --watch rounds. */
export class FirstSeen {
  private readonly seen = new Map<string, number>();

  /** The findings of this round not seen in any earlier round. */
  fresh(round: number, maps: MapReport[]): { map: MapReport; finding: Finding }[] {
    const out: { map: MapReport; finding: Finding }[] = [];
    for (const m of maps)
      for (const f of m.findings) {
        const k = findingKey(m.name, f);
        if (this.seen.has(k)) continue;
        this.seen.set(k, round);
        out.push({ map: m, finding: f });
      }
    return out;
  }
}
