/**
 * Go build information: the `\xff Go buildinf:` blob the linker writes
 * (docs/binary-format.md §2), in its pre-1.18 pointer form and its 1.18+ inline
 * form, and a fallback for binaries without the blob (esbuild ≥ 0.27): the
 * sentinel-framed modinfo text and the runtime's version string, found by
 * scanning. Modelled on Go's debug/buildinfo and runtime/debug.ParseBuildInfo.
 */
import { InputError } from '../base/errors.js';
import { ByteView, indexOf, text, uvarint } from './bytes.js';
import { Memory, sectionByName, sectionBytes, type ObjectFile } from './object.js';

export interface Module {
  path: string;
  version: string;
  sum?: string;
  replace?: Module;
}

export interface BuildInfo {
  /** e.g. "go1.24.4", possibly with a " X:exp" suffix; undefined when nothing was found. */
  goVersion: string | undefined;
  /** How goVersion was found. */
  versionSource: 'buildinfo' | 'version-string' | 'none';
  /** File offset of the blob, when found. */
  blobOffset?: number;
  path?: string;
  main?: Module;
  deps: Module[];
  /** `build` lines in order (key → value). */
  settings: Record<string, string>;
}

const MAGIC = Uint8Array.from([0xff, ...new TextEncoder().encode(' Go buildinf:')]);
const INFO_START = hex('3077af0c9274080241e1c107e6d618e6');
const INFO_END = hex('f932433186182072008242104116d8f2');

function hex(s: string): Uint8Array {
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return b;
}

/** Finds the blob: its named section first, then 16-aligned in writable data. */
function findBlob(o: ObjectFile): number | undefined {
  const named = sectionByName(o, '.go.buildinfo', '__go_buildinfo');
  const candidates = named ? [named] : o.sections.filter((s) => s.write && s.fileSize > 0);
  for (const s of candidates) {
    const b = sectionBytes(o, s);
    // The linker aligns the blob to 16 in memory; align relative to the section's address.
    const first = (16 - (s.addr % 16)) % 16;
    const i = indexOf(b, MAGIC, first, 16);
    if (i >= 0) return s.offset + i;
  }
  if (o.sections.length === 0) {
    for (const g of o.segments.filter((x) => x.write && x.fileSize > 0)) {
      const b = o.data.subarray(g.offset, g.offset + g.fileSize);
      const i = indexOf(b, MAGIC, (16 - (g.addr % 16)) % 16, 16);
      if (i >= 0) return g.offset + i;
    }
  }
  return undefined;
}

export function readBuildInfo(o: ObjectFile, mem: Memory): BuildInfo {
  const info: BuildInfo = { goVersion: undefined, versionSource: 'none', deps: [], settings: {} };
  const at = findBlob(o);
  let modinfo: Uint8Array | undefined;
  if (at !== undefined) {
    const v = new ByteView(o.data, o.file, 0, o.little);
    v.need(at, 32, 'build info header');
    const ptrSize = v.u8(at + 14);
    const flags = v.u8(at + 15);
    info.blobOffset = at;
    if (flags & 2) {
      let p = at + 32;
      const [vl, n1] = uvarint(v, p, 'build info version length');
      p += n1;
      info.goVersion = text(v.slice(p, vl, 'build info version'));
      p += vl;
      const [ml, n2] = uvarint(v, p, 'build info modinfo length');
      p += n2;
      modinfo = v.slice(p, ml, 'build info modinfo');
    } else {
      if (ptrSize !== 4 && ptrSize !== 8) v.fail(at + 14, `build info: pointer size ${ptrSize}`);
      const bv = new ByteView(o.data, o.file, 0, (flags & 1) === 0);
      const readStr = (ptrAt: number): Uint8Array => {
        const hdr = bv.word(ptrAt, ptrSize, 'build info string pointer');
        if (hdr === 0) return new Uint8Array(0);
        const data = mem.view(hdr, 2 * ptrSize, 'build info string header');
        const p = data.word(0, ptrSize);
        const n = data.word(ptrSize, ptrSize);
        if (n > 1 << 24) bv.fail(ptrAt, `build info string length ${n} too large`);
        // An empty string (go1.13 without modules: modinfo is "") has a nil data pointer.
        if (n === 0) return new Uint8Array(0);
        return mem.read(p, n, 'build info string');
      };
      info.goVersion = text(readStr(at + 16));
      modinfo = readStr(at + 16 + ptrSize);
    }
    info.versionSource = 'buildinfo';
  } else {
    info.goVersion = buildVersionSymbol(o, mem) ?? scanVersionString(o);
    if (info.goVersion) info.versionSource = 'version-string';
    const s = indexOf(o.data, INFO_START);
    if (s >= 0) {
      const e = indexOf(o.data, INFO_END, s + 16);
      if (e > s && e - s < 1 << 20) modinfo = o.data.subarray(s + 16, e);
    }
  }
  if (modinfo !== undefined) {
    // Strip the 16-byte sentinels runtime/debug frames the text with.
    if (at !== undefined && modinfo.length >= 33 && modinfo[modinfo.length - 17] === 10) modinfo = modinfo.subarray(16, modinfo.length - 16);
    parseModinfo(text(modinfo), info);
  }
  return info;
}

const VERSION_RE = /^go1\.\d+(\.\d+)?((rc|beta)\d+)?/;

/**
 * runtime.buildVersion read through the symbol table, as `go version` did
 * before the build-info blob existed (cmd/go/internal/version of Go 1.13–1.17
 * looked the symbol up): the only version record of a Go ≤ 1.12 binary.
 * The symbol is a string header (data pointer, length).
 */
export function buildVersionSymbol(o: ObjectFile, mem: Memory): string | undefined {
  const at = o.symbols.get('runtime.buildVersion');
  if (at === undefined) return undefined;
  try {
    const p = mem.word(at, 'runtime.buildVersion data');
    const n = mem.word(at + o.ptrSize, 'runtime.buildVersion length');
    if (n === 0 || n > 128) return undefined;
    const s = text(mem.read(p, n, 'runtime.buildVersion bytes'));
    return VERSION_RE.test(s) || s.startsWith('devel') ? s : undefined;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return undefined; // unreadable: the scan still has a chance
  }
}

/**
 * The first `go1.N[.P]` string in the file that is not part of a longer word:
 * the backing bytes of runtime.buildVersion (GoReSym's method; on the esbuild
 * binaries without build info it is the real version, docs/binary-format.md §2).
 */
export function scanVersionString(o: ObjectFile): string | undefined {
  const needle = new TextEncoder().encode('go1.');
  const d = o.data;
  let i = indexOf(d, needle);
  let tries = 0;
  while (i >= 0 && tries++ < 100000) {
    {
      // The byte before is not checked: in the darwin/arm64 esbuild 0.28.2 binary the
      // string data is packed right after unrelated bytes ("…\xefCgo1.26.5").
      const s = new TextDecoder('latin1').decode(d.subarray(i, Math.min(d.length, i + 32)));
      const m = VERSION_RE.exec(s);
      if (m) {
        const next = s.charCodeAt(m[0].length);
        if (Number.isNaN(next) || !isWordByte(next)) return m[0];
      }
    }
    i = indexOf(d, needle, i + 1);
  }
  return undefined;
}

function isWordByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f || c === 0x2d || c === 0x2f;
}

function unquote(s: string): string {
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s;
    }
  }
  return s;
}

/** Parses runtime/debug's modinfo text: path, mod, dep, =>, build lines. */
export function parseModinfo(t: string, info: BuildInfo): void {
  let last: Module | undefined;
  for (const line of t.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path':
        info.path = f[1];
        break;
      case 'mod':
        last = info.main = { path: f[1] ?? '', version: f[2] ?? '', sum: f[3] || undefined };
        break;
      case 'dep':
        last = { path: f[1] ?? '', version: f[2] ?? '', sum: f[3] || undefined };
        info.deps.push(last);
        break;
      case '=>':
        if (last) last.replace = { path: f[1] ?? '', version: f[2] ?? '', sum: f[3] || undefined };
        break;
      case 'build': {
        const kv = f.slice(1).join('\t');
        // The key may be quoted; the value is everything after the first '=' outside the key.
        let key: string;
        let value: string;
        if (kv.startsWith('"')) {
          const m = /^("(?:[^"\\]|\\.)*")=(.*)$/.exec(kv);
          key = m ? unquote(m[1]) : kv;
          value = m ? unquote(m[2]) : '';
        } else {
          const eq = kv.indexOf('=');
          key = eq < 0 ? kv : kv.slice(0, eq);
          value = eq < 0 ? '' : unquote(kv.slice(eq + 1));
        }
        info.settings[key] = value;
        break;
      }
    }
  }
}

/** Experiments named in the version suffix (" X:a,b") and GOEXPERIMENT. */
export function experiments(info: BuildInfo): string[] {
  const out: string[] = [];
  const m = / X:([^\s]+)/.exec(info.goVersion ?? '');
  if (m) out.push(...m[1].split(','));
  const g = info.settings.GOEXPERIMENT;
  if (g) out.push(...g.split(','));
  return [...new Set(out.filter((x) => x !== ''))];
}
