/**
 * Builds gosrc/disasmprobe with a real toolchain for a GOARCH (cached by
 * source hash under $MAPSCOPE_CACHE/disasmprobe) and reads its hand-written
 * expected list, gosrc/disasmprobe/expected.tsv.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, goroot } from './toolchains.js';

export const probeDir = resolve(import.meta.dirname, '..', '..', '..', 'gosrc', 'disasmprobe');

function srcHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(probeDir).sort()) h.update(f).update(readFileSync(join(probeDir, f)));
  return h.digest('hex').slice(0, 12);
}

/** Path of the probe built by Go `go` for GOARCH `arch` (GOARM=7 on arm). */
export function buildDisasmProbe(go: string, arch: string, stripped = false): string {
  const out = join(cacheDir(), 'disasmprobe', srcHash(), `${go}-${arch}${stripped ? '-s' : ''}`, 'probe');
  if (existsSync(out)) return out;
  mkdirSync(join(out, '..'), { recursive: true });
  execFileSync(join(goroot(go), 'bin', 'go'), ['build', '-buildvcs=false', ...(stripped ? ['-ldflags=-s -w'] : []), '-o', out, '.'], {
    cwd: probeDir,
    stdio: 'pipe',
    env: {
      ...process.env, GOROOT: goroot(go), GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: arch,
      GOCACHE: join(cacheDir(), 'gocache-probe', go), GOPATH: join(cacheDir(), 'gopath'), ...(arch === 'arm' ? { GOARM: '7' } : {}),
    },
  });
  return out;
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
