/**
 * Parsed JSON from untrusted files (scenarios, snapshots, baselines) shown in
 * messages and measured before anything recurses over it. JSON.parse accepts
 * arrays nested a million deep; JSON.stringify and every recursive reader
 * overflow the stack on them. So a file's nesting is measured once, without
 * recursion, and values quoted in errors are cut without walking the whole.
 */
import { InputError } from './errors.js';

/** Deepest nesting of arrays and objects a JSON input may have; Go values in scenarios need far less. */
export const MAX_JSON_DEPTH = 256;

/** Throws an InputError naming `source` when `v` nests arrays or objects deeper than `max`. */
export function checkJsonDepth(v: unknown, source: string, max = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d > max) throw new InputError(source, undefined, `arrays or objects nested deeper than ${max} levels`);
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
}

/**
 * `v` as JSON text of at most `max` characters (then "…"), for error messages.
 * Walks only as much of `v` as it prints, so it is safe on any nesting and size.
 */
export function briefJson(v: unknown, max = 40): string {
  let out = '';
  const full = () => out.length > max;
  const walk = (x: unknown, depth: number): void => {
    if (full()) return;
    if (depth > 16) {
      out += '…';
      return;
    }
    if (x === undefined) out += 'undefined';
    else if (x === null || typeof x !== 'object') out += typeof x === 'string' && x.length > max ? JSON.stringify(x.slice(0, max)) : (JSON.stringify(x) ?? String(x));
    else if (Array.isArray(x)) {
      out += '[';
      for (let i = 0; i < x.length && !full(); i++) {
        if (i) out += ',';
        walk(x[i], depth + 1);
      }
      out += ']';
    } else {
      out += '{';
      let i = 0;
      for (const k in x) {
        if (full()) break;
        if (!Object.prototype.hasOwnProperty.call(x, k)) continue;
        if (i++) out += ',';
        out += `${JSON.stringify(k.length > max ? k.slice(0, max) : k)}:`;
        walk((x as Record<string, unknown>)[k], depth + 1);
      }
      out += '}';
    }
  };
  walk(v, 0);
  return out.length > max ? out.slice(0, max - 1) + '…' : out;
}

/**
 * JSON.stringify(v, null, 2), written out in pieces of about `chunk`
 * characters that each end with a newline (the last one without): the same
 * text, for values whose JSON is longer than V8's longest string (2^29
 * characters; a snapshot of 10^7 entries is 1.4 GB). Plain data only
 * (objects, arrays, strings, numbers, booleans, null; undefined members
 * dropped as JSON.stringify drops them); recursion follows the value's
 * nesting, which the callers' values keep shallow.
 */
export function writeJson(v: unknown, write: (text: string) => void, chunk = 1 << 20): void {
  let buf = '';
  const flush = (): void => {
    const nl = buf.lastIndexOf('\n');
    if (nl < 0) return;
    write(buf.slice(0, nl + 1));
    buf = buf.slice(nl + 1);
  };
  const walk = (x: unknown, indent: string): void => {
    if (buf.length >= chunk) flush();
    if (x === null || typeof x !== 'object') {
      buf += JSON.stringify(x) ?? 'null';
      return;
    }
    const inner = indent + '  ';
    if (Array.isArray(x)) {
      if (x.length === 0) {
        buf += '[]';
        return;
      }
      buf += '[';
      for (let i = 0; i < x.length; i++) {
        buf += (i ? ',\n' : '\n') + inner;
        const e = x[i] as unknown;
        if (e === undefined || typeof e === 'function') buf += 'null';
        else walk(e, inner);
      }
      buf += '\n' + indent + ']';
      return;
    }
    const keys = Object.keys(x).filter((k) => {
      const e = (x as Record<string, unknown>)[k];
      return e !== undefined && typeof e !== 'function';
    });
    if (keys.length === 0) {
      buf += '{}';
      return;
    }
    buf += '{';
    keys.forEach((k, i) => {
      buf += (i ? ',\n' : '\n') + inner + JSON.stringify(k) + ': ';
      walk((x as Record<string, unknown>)[k], inner);
    });
    buf += '\n' + indent + '}';
  };
  walk(v, '');
  flush();
  if (buf !== '') write(buf);
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * JSON.parse of a file's bytes, for files longer than V8's longest string
 * (2^29 characters; a 10^7-entry snapshot is 1.4 GB): a value whose text is
 * at most `piece` bytes is parsed by JSON.parse; a longer array or object is
 * split at its top-level commas (a scan that knows strings and escapes) and
 * each member parsed the same way. The result is what JSON.parse gives.
 * Malformed input is an InputError naming `source` and a byte offset (for
 * a file that fits one piece, JSON.parse's own position, as before).
 */
export function parseJsonBytes(b: Uint8Array, source: string, piece = 1 << 27): unknown {
  const dec = new TextDecoder();
  const bad = (at: number): InputError => new InputError(source, at, 'not valid JSON');
  const whole = (s: number, e: number): unknown => {
    try {
      return JSON.parse(dec.decode(b.subarray(s, e)));
    } catch (err) {
      const pos = /position (\d+)/.exec(err instanceof Error ? err.message : '');
      throw new InputError(source, pos ? s + Number(pos[1]) : s > 0 ? s : undefined, 'not valid JSON');
    }
  };
  const parse = (s: number, e: number): unknown => {
    while (s < e && isSpace(b[s])) s++;
    while (e > s && isSpace(b[e - 1])) e--;
    if (e - s <= piece) return whole(s, e);
    const open = b[s];
    if (open !== 0x5b && open !== 0x7b) return whole(s, e); // a long string or number: JSON.parse judges it
    if (b[e - 1] !== open + 2) throw bad(e - 1);
    let first = s + 1;
    while (first < e - 1 && isSpace(b[first])) first++;
    if (first === e - 1) return open === 0x5b ? [] : {};
    // Members at depth 0 inside the brackets, split at their commas.
    const parts: [number, number][] = [];
    let depth = 0;
    let inString = false;
    let start = s + 1;
    for (let i = s + 1; i < e - 1; i++) {
      const c = b[i];
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        if (--depth < 0) throw bad(i);
      } else if (c === 0x2c && depth === 0) {
        parts.push([start, i]);
        start = i + 1;
      }
    }
    if (inString || depth !== 0) throw bad(e - 1);
    parts.push([start, e - 1]);
    if (open === 0x5b) return parts.map(([a, z]) => parse(a, z));
    const obj: Record<string, unknown> = {};
    for (const [start, z] of parts) {
      let a = start;
      while (a < z && isSpace(b[a])) a++;
      if (b[a] !== 0x22) throw bad(a);
      let k = a + 1;
      for (; k < z && b[k] !== 0x22; k++) if (b[k] === 0x5c) k++;
      const key = whole(a, k + 1);
      let colon = k + 1;
      while (colon < z && isSpace(b[colon])) colon++;
      if (b[colon] !== 0x3a) throw bad(colon);
      // An own property, as JSON.parse makes it (assigning "__proto__" would set the prototype instead).
      Object.defineProperty(obj, key as string, { value: parse(colon + 1, z), enumerable: true, writable: true, configurable: true });
    }
    return obj;
  };
  if (b.length <= piece) return whole(0, b.length);
  return parse(0, b.length);
}
