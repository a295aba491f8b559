/**
 * Named types from Go source, for `layout --source DIR`.
 *
 * A Go toolchain does the resolving, so packages are found exactly as the go
 * command finds them (the same module, the module cache, vendor/, the
 * standard library) and build tags are honoured per GOARCH:
 * gosrc/typesource, built once per toolchain into mapscope's cache, type-
 * checks DIR's package with go/types (function bodies skipped) and prints the
 * asked type's structure (see that program for the format, model/reftypes.ts
 * for how it is read). Sizes are not taken from it: mapscope lays the
 * structure out by gc's rules for each --go and --arch, and takes the
 * standard library's own types from its table for the target's Go release
 * (the toolchain's structure only for types the table lacks).
 *
 * The toolchain is `go` on PATH or GOROOT/bin/go from --goroot; without one,
 * one line says what to install and mapscope exits 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../base/errors.js';
import { RefTypes, type Ref } from '../model/reftypes.js';
import { stdNames } from '../model/stdnamed.js';
import type { GoType } from '../model/types.js';
import type { GoVersion } from '../model/goversion.js';
import type { Arch } from '../model/arch.js';

export interface SourceDef {
  readonly string: string;
  readonly std?: boolean;
  readonly underlying: Ref;
}

/** What the helper printed for one GOARCH: the type and the named types stored inline in it. */
export interface SourceType {
  readonly type: Ref;
  readonly defs: Readonly<Record<string, SourceDef>>;
}

/**
 * A type as Go source spells it: reflect, inspect and DWARF qualify type
 * arguments with import paths (gen.Box[example.com/m/store.Small]), which
 * Go syntax cannot; the package name is what the source's imports bind.
 */
export function goSpelling(expr: string): string {
  return expr.replace(/(?:[\w.-]+\/)+(?=\w+\.)/g, '');
}

/** The go command to use: GOROOT/bin/go for --goroot, else `go` on PATH; an InputError (exit 2) when there is none. */
export function findGo(goroot?: string): string {
  if (goroot !== undefined) {
    const go = path.join(goroot, 'bin', 'go');
    if (!existsSync(go)) throw new InputError('--goroot', undefined, `no Go toolchain at ${goroot} (expected ${go})`);
    return go;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  throw new InputError(
    '--source', undefined,
    'needs a Go toolchain to read Go packages, and none is on PATH: install Go (https://go.dev/dl, or Debian\'s golang-go) or pass --goroot DIR',
  );
}

function helperDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'gosrc', 'typesource');
}

function cacheDir(): string {
  return process.env.MAPSCOPE_CACHE ?? path.join(homedir(), '.cache', 'mapscope');
}

function goEnv(go: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOOS: 'linux', ...extra };
  delete env.GOROOT; // each toolchain finds its own root
  if (path.dirname(path.dirname(go)) !== '') env.PATH = `${path.dirname(go)}${path.delimiter}${env.PATH ?? ''}`;
  return env;
}

/** The helper built by `go` (once per toolchain and helper source), in mapscope's cache. */
export function helperBinary(go: string): string {
  const src = readFileSync(path.join(helperDir(), 'main.go'));
  const version = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnv(go, {}) }).trim();
  const tag = createHash('sha256').update(src).update(version).digest('hex').slice(0, 16);
  const exe = path.join(cacheDir(), 'bin', `typesource-${tag}`);
  if (existsSync(exe)) return exe;
  mkdirSync(path.dirname(exe), { recursive: true });
  const tmp = `${exe}.${process.pid}`;
  const r = spawnSync(go, ['build', '-o', tmp, '.'], { cwd: helperDir(), env: goEnv(go, { GOFLAGS: '-mod=mod', GOARCH: '', GOWORK: 'off' }), encoding: 'utf8' });
  if (r.status !== 0) throw new InputError('--source', undefined, `building mapscope's Go helper with ${go} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  renameSync(tmp, exe);
  return exe;
}

/**
 * Resolves `expr` in each directory in turn for one GOARCH; the first that
 * resolves the whole expression wins. Errors name every directory tried.
 */
export function resolveInSource(expr: string, dirs: readonly string[], goarch: string, go: string): SourceType & { dir: string } {
  const helper = helperBinary(go);
  const complaints: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new InputError('--source', undefined, `${dir}: no such directory`);
    process.stderr.write(`mapscope: reading ${dir} for GOARCH=${goarch} with ${go}\n`);
    const r = spawnSync(helper, ['-dir', dir, '-goarch', goarch, '-expr', goSpelling(expr)], {
      env: goEnv(go, { GOARCH: goarch }), encoding: 'utf8', maxBuffer: 1 << 26,
    });
    if (r.status === 0) {
      const out = JSON.parse(r.stdout) as Record<string, SourceType>;
      const st = out[goarch];
      if (!st) throw new InputError('--source', undefined, `mapscope's Go helper printed no result for ${goarch}`);
      return { ...st, dir };
    }
    const msg = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
    if (r.status !== 2) throw new InputError(`--source ${dir}`, undefined, msg);
    complaints.push(msg);
  }
  throw new InputError(`type expression ${JSON.stringify(expr)}`, undefined,
    `does not resolve in ${dirs.length === 1 ? 'the package in ' + dirs[0] : 'any of ' + dirs.join(', ')}: ${complaints.join('; ')}`);
}

/**
 * The GoType for a source result on one target: named types of the user's
 * packages from the source; the standard library's from the table for the
 * target's Go release when the table has them.
 */
export function sourceGoType(st: SourceType, go: GoVersion, arch: Arch): GoType {
  const std = stdNames(go, arch);
  const types = new RefTypes(
    (key) => {
      const d = st.defs[key];
      return d && { name: d.string, underlying: d.underlying, ...(d.std ? { fixed: true } : {}), ...(/^sync\/atomic\.align64$/.test(key) ? { align64: true } : {}) };
    },
    (key) => (st.defs[key]?.std ? std?.byKeyIfKnown(key) : undefined),
  );
  const t = st.type;
  // A map's key and elem are stored inline in its buckets or groups.
  if (typeof t === 'object' && 'k' in t && t.k === 'map') return { kind: 'map', key: types.convert(t.key, true), elem: types.convert(t.e, true) };
  return types.convert(t, true);
}

/** Resolves several expressions in one directory for one GOARCH (one type-check); an entry is the result or its error. */
export function resolveManyInSource(exprs: readonly string[], dir: string, goarch: string, go: string): (SourceType | { error: string })[] {
  if (exprs.length < 2) throw new Error('resolveManyInSource needs two or more expressions');
  const r = spawnSync(helperBinary(go), ['-dir', dir, '-goarch', goarch, ...exprs.flatMap((e) => ['-expr', goSpelling(e)])], {
    env: goEnv(go, { GOARCH: goarch }), encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new InputError(`--source ${dir}`, undefined, (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0]);
  return (JSON.parse(r.stdout) as Record<string, (SourceType | { error: string })[]>)[goarch];
}
