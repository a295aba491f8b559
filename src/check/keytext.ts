/**
 * The key a slot finding concerns, decoded for people: `"k12"`, `42`,
 * `{"A":1,"B":"x"}`. Read through a reader that refuses long reads, so a
 * corrupt string header costs nothing: such a key is shown by its length.
 */
import { MemoryError, decodeUint, type MemoryReader } from '../model/memory.js';
import type { GoType } from '../model/types.js';
import { decodeValue } from '../model/values.js';
import { InputError } from '../base/errors.js';

/** Longest key text shown; longer keys are cut with "…". */
const MAX_TEXT = 80;
/** Bytes one decode may read: a key string longer than this is shown by its length. */
const MAX_READ = 4096;

export function slotKeyText(reader: MemoryReader, key: GoType, slotAddr: bigint, indirect: boolean): string {
  const bounded: MemoryReader = {
    arch: reader.arch,
    read(addr, len) {
      if (len > MAX_READ) throw new MemoryError(BigInt(addr), `a key of ${len} bytes`);
      return reader.read(addr, len);
    },
  };
  try {
    let at = slotAddr;
    if (indirect) at = decodeUint(reader.read(slotAddr, reader.arch.ptrSize), reader.arch.bigEndian);
    if (at <= 0n || at > BigInt(Number.MAX_SAFE_INTEGER)) return indirect ? `(key pointer ${hexAddr(at)})` : '(unreadable)';
    const v = decodeValue(bounded, key, Number(at));
    // Scalars (most keys) without the replacer, which costs more than the rest of a small key's decoding.
    const s = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? JSON.stringify(v)
      : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    return s.length <= MAX_TEXT ? s : `${s.slice(0, MAX_TEXT - 1)}…`;
  } catch (e) {
    // A process gone mid-read is not a key's problem: let it end the check.
    if (e instanceof InputError) throw e;
    if (e instanceof MemoryError) {
      const long = /^a key of (\d+) bytes$/.exec(e.message);
      return long ? `(a key of ${long[1]} bytes)` : '(unreadable)';
    }
    return '(undecodable)';
  }
}

function hexAddr(a: bigint): string {
  return `0x${a.toString(16)}`;
}
