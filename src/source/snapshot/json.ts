/**
 * Reading a `mapscope sim` snapshot's JSON strictly, for both snapshot
 * rebuilds (src/source/snapshot/classic.ts and swiss.ts): typed accessors that
 * fail with an InputError naming the JSON path ("tables[2].groups[0].ctrl[3]",
 * "top level"), and the target and map type every snapshot starts with.
 */
import { InputError } from '../../base/errors.js';
import { briefJson } from '../../base/json.js';
import { archByName } from '../../model/arch.js';
import { parseExperiment, parseGoVersion } from '../../model/goversion.js';
import { parseType } from '../../model/typeparse.js';
import { typeString, type MapType } from '../../model/types.js';
import type { JsonValue } from '../../model/values.js';
import { implOf, layoutOf, type LayoutTarget } from '../../layout/index.js';

/** An object of parsed JSON (JSON.parse output). */
export type JsonObject = { [k: string]: JsonValue };

/** `path` extended by a field name or an array index. */
export function jsonPath(path: string, k: string | number): string {
  if (typeof k === 'number') return `${path}[${k}]`;
  return path ? `${path}.${k}` : k;
}

/** A JSON value shown in an error message, cut short. */
export function brief(v: unknown): string {
  return briefJson(v, 40);
}

export class JsonReader {
  constructor(readonly file: string) {}

  fail(path: string, detail: string): never {
    throw new InputError(this.file, path || 'top level', detail);
  }

  /** An object with exactly the `keys` and, if present, the `optional` ones. */
  obj(v: unknown, path: string, keys: readonly string[], optional: readonly string[] = []): JsonObject {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, `expected an object, got ${brief(v)}`);
    const o = v as JsonObject;
    for (const k of Object.keys(o)) if (!keys.includes(k) && !optional.includes(k)) this.fail(jsonPath(path, k), 'unknown field');
    for (const k of keys) if (!(k in o)) this.fail(jsonPath(path, k), 'missing field');
    return o;
  }

  arr(v: unknown, path: string, len?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${brief(v)}`);
    if (len !== undefined && v.length !== len) this.fail(path, `expected ${len} entries, got ${v.length}`);
    return v;
  }

  str(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${brief(v)}`);
    return v;
  }

  /** An integer in [min, max] written as a JSON number. */
  int(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(path, `expected an integer, got ${brief(v)}`);
    if (v < min || v > max) this.fail(path, `${v} is out of range [${min}, ${max}]`);
    return v;
  }

  /** An integer in [min, max], as a number or a decimal (or 0x) string: 64-bit fields do not fit a JSON number. */
  big(v: unknown, path: string, min: bigint, max: bigint): bigint {
    let n: bigint | undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === 'string' && /^(-?\d{1,40}|0x[0-9a-fA-F]{1,32})$/.test(v)) n = BigInt(v);
    if (n === undefined) this.fail(path, `expected an integer, got ${brief(v)}`);
    if (n < min || n > max) this.fail(path, `${n} is out of range [${min}, ${max}]`);
    return n;
  }

  /** As big(), for fields whose range fits a number. */
  bigNum(v: unknown, path: string, min: number, max: number): number {
    return Number(this.big(v, path, BigInt(min), BigInt(max)));
  }

  /** Runs a parser of the model (Go version, arch, type) and reports its InputError at `path`. */
  at<T>(path: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof InputError) this.fail(path, e.detail);
      throw e;
    }
  }
}

/**
 * The snapshot's `go`, `arch` and `experiment` as a layout target, which
 * must build maps of `impl` (the catalogue follows the target, never the
 * snapshot's say-so). The caller's obj() decides whether `experiment` must
 * be present.
 */
export function snapshotTarget(v: JsonReader, top: JsonObject, impl: 'classic' | 'swiss'): LayoutTarget {
  const goText = v.str(top.go, 'go');
  const go = v.at('go', () => parseGoVersion(goText, 'go'));
  const arch = v.at('arch', () => archByName(v.str(top.arch, 'arch'), 'arch'));
  const expText = top.experiment === undefined ? undefined : v.str(top.experiment, 'experiment');
  const experiment = v.at('experiment', () => parseExperiment(expText, go, 'experiment'));
  const t: LayoutTarget = { go, arch, experiment };
  const name = { classic: 'classic', swiss: 'Swiss' } as const;
  const built = implOf(t);
  if (built !== impl) v.fail('go', `Go ${goText}${experiment ? ' ' + experiment : ''} builds ${name[built]} maps, not ${name[impl]} ones`);
  return t;
}

/** The snapshot's `type`: a map type the layout model can lay out for the target. */
export function snapshotType(v: JsonReader, top: JsonObject, t: LayoutTarget): MapType {
  const text = v.str(top.type, 'type');
  const why = (e: unknown) => (e instanceof InputError ? e.detail : e instanceof Error ? e.message : String(e));
  let type;
  try {
    type = parseType(text);
  } catch (e) {
    v.fail('type', why(e));
  }
  if (type.kind !== 'map') v.fail('type', `${typeString(type)} is not a map type`);
  try {
    layoutOf(type, t);
  } catch (e) {
    v.fail('type', why(e));
  }
  return type;
}
