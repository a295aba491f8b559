/**
 * Builds gosrc/disasmprobe with a real toolchain for a GOARCH (through
 * test/support/gobuild.ts: cached by source hash, one shared Go build cache)
 * and reads its hand-written expected list, gosrc/disasmprobe/expected.tsv.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goBuild } from './gobuild.js';

export const probeDir = resolve(import.meta.dirname, '..', '..', '..', 'gosrc', 'disasmprobe');

/** Path of the probe built by Go `go` for GOARCH `arch` (GOARM=7 on arm), through gobuild.ts (cached by source hash). */
export function buildDisasmProbe(go: string, arch: string, stripped = false): string {
  return goBuild({ go, src: probeDir, goarch: arch, flags: stripped ? ['-ldflags=-s -w'] : [], name: 'probe' });
}

export interface ExpectedSite {
  func: string;
  line: number;
  op: string;
  path: string;
  type: string | undefined;
  inlined: string | undefined;
}

/** The expected sites for a Go minor version and pointer size. */
export function expectedSites(minor: number, ptrSize: 4 | 8): ExpectedSite[] {
  const out: ExpectedSite[] = [];
  for (const row of readFileSync(join(probeDir, 'expected.tsv'), 'utf8').split('\n')) {
    if (!row.trim() || row.startsWith('#')) continue;
    const [func, line, op, p64, p32, type, inlined, oldType] = row.split('\t');
    const t = minor <= 19 && oldType ? oldType : type;
    out.push({ func, line: Number(line), op, path: ptrSize === 8 ? p64 : p32, type: t === '-' ? undefined : t, inlined: inlined === '-' ? undefined : inlined });
  }
  return out;
}
