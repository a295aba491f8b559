/**
 * Scenarios: a map's life as a list of operations, replayed by the engines
 * (`mapscope sim`) and by the real runtime (gosrc probes) to compare them.
 * The same file replays on a classic toolchain and on a Swiss one; the
 * implementation follows from `go` and `experiment`. Format: docs/scenario.md.
 *
 * Every error names the field (`ops[3][1]`, `hash.seeds[0]`) and the file.
 */
import { InputError, quote } from '../base/errors.js';
import { briefJson, checkJsonDepth } from '../base/json.js';
import { bytesOfHex } from '../base/hex.js';
import { hashRandomBytes } from '../model/runtime/index.js';
import { archByName, type Arch } from '../model/arch.js';
import { parseGoVersion, parseExperiment, mapImplFor, type GoVersion, type Experiment, type MapImpl } from '../model/goversion.js';
import { parseType } from '../model/typeparse.js';
import { isComparable, typeString, sizeOf, type MapType } from '../model/types.js';
import { SimMemory } from '../model/memory.js';
import { ValueError, type JsonValue } from '../model/values.js';
import { encoder } from './encode.js';

export type Op =
  | { readonly op: 'insert'; readonly key: JsonValue; readonly value: JsonValue }
  | { readonly op: 'delete'; readonly key: JsonValue }
  | { readonly op: 'lookup'; readonly key: JsonValue }
  | { readonly op: 'clear' }
  /** for k, v := range m, with `r` the iterator's random draw (start bucket r&(2^B-1), slot offset (r>>B)&7). */
  | { readonly op: 'iterate'; readonly r: bigint };

export interface HashSpec {
  readonly mode: 'fallback' | 'aes';
  /** The map's seed at make, then every seed the runtime draws later (re-seeding on empty, clear), in order. */
  readonly seeds?: readonly bigint[];
  /** Fallback hash per-process key (runtime.hashkey), 4 words. */
  readonly hashkey?: readonly bigint[];
  /** AES key schedule (runtime.aeskeysched) as hex: 128 bytes on 64-bit targets, 64 on 32-bit. */
  readonly aeskeysched?: string;
  /** Seed of the PRNG that draws seeds when `seeds` is absent. */
  readonly prngSeed?: number;
  /**
   * Seed of the generator that stands for the runtime's per-thread random
   * source where no process exposes it: classic incrnoverflow's coin at
   * B ≥ 16 (docs/scenario.md, "What cannot be replayed"). Drawn from the
   * PRNG when absent, and printed in the snapshot like the seeds.
   */
  readonly rand?: bigint;
}

export interface Scenario {
  readonly source: string;
  readonly go: GoVersion;
  readonly goText: string;
  readonly arch: Arch;
  readonly experiment: Experiment;
  readonly impl: MapImpl;
  readonly typeText: string;
  readonly type: MapType;
  /** make(map[K]V, hint); null for make(map[K]V) with no hint (makemap_small). */
  readonly hint: number | null;
  readonly hash: HashSpec;
  readonly ops: readonly Op[];
}

/** The key material a scenario records, as bytes and words (what is absent the engines draw: src/model/runtime/keys.ts). */
export function scenarioKeys(h: HashSpec): { hashkey?: readonly bigint[]; aeskeysched?: Uint8Array } {
  return { hashkey: h.hashkey, aeskeysched: h.aeskeysched === undefined ? undefined : bytesOfHex(h.aeskeysched) };
}

const MAX_OPS = 10_000_000;

/**
 * Largest key or elem simulated (bytes). Go stores a key or elem over 128 bytes
 * indirectly, so a bucket stays small, but each value is still allocated whole
 * in simulated memory: a [1<<40]byte elem is a valid Go type no replay can hold.
 */
export const MAX_VALUE_BYTES = 1 << 20;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseBig(v: unknown, source: string, field: string, bits: number): bigint {
  let n: bigint | undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|\d+)$/.test(v.trim())) n = BigInt(v.trim());
  if (n === undefined || n < 0n || n >= 1n << BigInt(bits)) {
    throw new InputError(source, field, `expected an unsigned ${bits}-bit integer (number, decimal or 0x string), got ${briefJson(v)}`);
  }
  return n;
}

/** Validates a scenario given as parsed JSON. `source` is the file name, for errors. */
export function parseScenario(json: unknown, source: string): Scenario {
  if (!isObject(json)) throw new InputError(source, undefined, 'a scenario is a JSON object');
  checkJsonDepth(json, source);
  const known = new Set(['go', 'arch', 'experiment', 'type', 'hint', 'hash', 'ops', 'comment', 'name']);
  for (const k of Object.keys(json)) if (!known.has(k)) throw new InputError(source, k, `unknown field (known: ${[...known].join(', ')})`);
  // A field left out takes its default (or is missing); a field given as null is the user's null, said as such.
  const str = (k: string, def?: string): string => {
    if (!(k in json) || json[k] === undefined) {
      if (def === undefined) throw new InputError(source, k, 'missing field (expected a string)');
      return def;
    }
    const v = json[k];
    if (typeof v !== 'string') throw new InputError(source, k, `expected a string, got ${briefJson(v)}`);
    return v;
  };
  const wrap = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof InputError) throw new InputError(source, field, e.detail);
      if (e instanceof ValueError) throw new InputError(source, field, e.message.replace(/^[^:]*: /, ''));
      throw e;
    }
  };
  const goText = str('go');
  const go = wrap('go', () => parseGoVersion(goText));
  const arch = wrap('arch', () => archByName(str('arch', 'amd64')));
  const experiment = wrap('experiment', () => parseExperiment(json.experiment === undefined ? undefined : str('experiment'), go));
  const typeText = str('type');
  const type = wrap('type', () => parseType(typeText));
  if (type.kind !== 'map') throw new InputError(source, 'type', `${typeString(type)} is not a map type`);
  for (const [what, t] of [['key', type.key], ['elem', type.elem]] as const) {
    const size = wrap('type', () => sizeOf(t, arch)).size;
    if (size > MAX_VALUE_BYTES) {
      throw new InputError(source, 'type', `the ${what} type ${quote(typeString(t))} is ${size} bytes: too large to simulate (mapscope simulates keys and elems of up to ${MAX_VALUE_BYTES} bytes)`);
    }
  }
  if (!wrap('type', () => isComparable(type.key, arch))) throw new InputError(source, 'type', `invalid map key type ${typeString(type.key)}`);

  let hint: number | null = null;
  if (json.hint !== undefined && json.hint !== null) {
    if (typeof json.hint !== 'number' || !Number.isSafeInteger(json.hint) || json.hint < 0) {
      throw new InputError(source, 'hint', `expected a non-negative integer, got ${briefJson(json.hint)}`);
    }
    hint = json.hint;
  }

  const h = json.hash === undefined ? { mode: 'fallback' } : json.hash;
  if (!isObject(h)) throw new InputError(source, 'hash', `expected an object, got ${briefJson(h)}`);
  for (const k of Object.keys(h)) {
    if (!['mode', 'seeds', 'hashkey', 'aeskeysched', 'prngSeed', 'rand'].includes(k)) throw new InputError(source, `hash.${k}`, 'unknown field');
  }
  const mode = h.mode ?? 'fallback';
  if (mode !== 'fallback' && mode !== 'aes') throw new InputError(source, 'hash.mode', `expected "fallback" or "aes", got ${briefJson(mode)}`);
  const seedBits = arch.ptrSize * 8;
  let seeds: bigint[] | undefined;
  if (h.seeds !== undefined) {
    if (!Array.isArray(h.seeds)) throw new InputError(source, 'hash.seeds', 'expected an array of seeds');
    seeds = h.seeds.map((s, i) => parseBig(s, source, `hash.seeds[${i}]`, seedBits));
  }
  let hashkey: bigint[] | undefined;
  if (h.hashkey !== undefined) {
    if (!Array.isArray(h.hashkey) || h.hashkey.length !== 4) throw new InputError(source, 'hash.hashkey', 'expected an array of 4 words');
    hashkey = h.hashkey.map((s, i) => parseBig(s, source, `hash.hashkey[${i}]`, seedBits));
  }
  let aeskeysched: string | undefined;
  if (h.aeskeysched !== undefined) {
    const n = hashRandomBytes(arch);
    if (typeof h.aeskeysched !== 'string' || h.aeskeysched.length !== 2 * n || !/^[0-9a-fA-F]*$/.test(h.aeskeysched)) {
      throw new InputError(source, 'hash.aeskeysched', `expected ${n} bytes as ${2 * n} hex digits on ${arch.name}`);
    }
    aeskeysched = h.aeskeysched.toLowerCase();
  }
  let prngSeed: number | undefined;
  if (h.prngSeed !== undefined) {
    if (typeof h.prngSeed !== 'number' || !Number.isSafeInteger(h.prngSeed)) throw new InputError(source, 'hash.prngSeed', 'expected an integer');
    prngSeed = h.prngSeed;
  }
  const rand = h.rand === undefined ? undefined : parseBig(h.rand, source, 'hash.rand', 64);

  if (!Array.isArray(json.ops)) throw new InputError(source, 'ops', 'expected an array of operations');
  if (json.ops.length > MAX_OPS) throw new InputError(source, 'ops', `more than ${MAX_OPS} operations`);
  // Keys and values are checked by encoding them once into scratch memory.
  const scratch = new SimMemory(arch);
  const kbuf = scratch.alloc(sizeOf(type.key, arch).size, 'scratch key');
  const vbuf = scratch.alloc(sizeOf(type.elem, arch).size, 'scratch elem');
  // The engines' own encoders (their errors are encodeValue's); string data into one reused scratch object.
  const checkKey = encoder(scratch, type.key, 'key', { temporary: true });
  const checkElem = encoder(scratch, type.elem, 'value', { temporary: true });
  const arity: Record<string, number> = { insert: 3, delete: 2, lookup: 2, clear: 1, iterate: 2 };
  const ops: Op[] = json.ops.map((raw: unknown, i: number): Op => {
    const at = `ops[${i}]`;
    if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw new InputError(source, at, 'expected ["insert", key, value], ["delete", key], ["lookup", key], ["clear"] or ["iterate", r]');
    const n = Object.hasOwn(arity, raw[0]) ? arity[raw[0]] : undefined;
    if (n === undefined) throw new InputError(source, `${at}[0]`, `unknown operation ${briefJson(raw[0])} (insert, delete, lookup, clear, iterate)`);
    if (raw.length !== n) throw new InputError(source, at, `${raw[0]} takes ${n - 1} argument(s), got ${raw.length - 1}`);
    if (raw[0] === 'iterate') return { op: 'iterate', r: parseBig(raw[1], source, `${at}[1]`, 64) };
    if (n >= 2) {
      try {
        checkKey(kbuf, raw[1] as JsonValue);
      } catch (e) {
        if (e instanceof ValueError) throw new InputError(source, `${at}[1]`, e.message);
        throw e;
      }
    }
    if (n === 3) {
      try {
        checkElem(vbuf, raw[2] as JsonValue);
      } catch (e) {
        if (e instanceof ValueError) throw new InputError(source, `${at}[2]`, e.message);
        throw e;
      }
    }
    switch (raw[0]) {
      case 'insert':
        return { op: 'insert', key: raw[1] as JsonValue, value: raw[2] as JsonValue };
      case 'delete':
        return { op: 'delete', key: raw[1] as JsonValue };
      case 'lookup':
        return { op: 'lookup', key: raw[1] as JsonValue };
      default:
        return { op: 'clear' };
    }
  });

  return {
    source, go, goText, arch, experiment, impl: mapImplFor(go, experiment), typeText, type, hint,
    hash: { mode, seeds, hashkey, aeskeysched, prngSeed, rand }, ops,
  };
}
