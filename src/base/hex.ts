/**
 * Hex as mapscope prints it: addresses and words as `0x…` (lower case, no
 * padding), byte strings (runtime.aeskeysched, key bytes) as two lower-case
 * digits a byte with no prefix.
 */

/** `0x` and the value's lower-case hex digits: 0x1f, 0x0. */
export function hex(n: bigint | number): string {
  return '0x' + n.toString(16);
}

/** Two lower-case hex digits per byte, no prefix. */
export function hexBytes(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** The bytes of an even-length string of hex digits (validated by the caller). */
export function bytesOfHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
