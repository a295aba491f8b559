/**
 * Map call sites by code address: how a program counter that a profiler
 * recorded leads back to the call site (sites.ts) it belongs to.
 *
 * A caller's frame in a profile holds an address inside or just past the
 * CALL that made the call, never the CALL's first byte, so the index needs
 * the length of a direct call on the GOARCH: CALL rel32 (E8 cd) is 5 bytes on
 * amd64 and 386 (Intel SDM vol. 2A, CALL), BL is 4 bytes on arm64 and arm (as
 * every A64 and A32 instruction is). The two profilers record different
 * addresses:
 *
 * - perf's call chains hold the return address itself: the byte after the
 *   CALL (`returningTo`).
 * - runtime/pprof records runtime.Frame.PC, which runtime.CallersFrames backs
 *   up by one from the return address "into the CALL instruction"
 *   (runtime/symtab.go): an address inside the CALL (`holding`).
 *
 * Several sites can share one address: a call in a generic shape function
 * resolves to one Site per instantiation (sites.ts). Both lookups return all
 * of them; the caller chooses.
 */
import { InputError } from '../base/errors.js';
import type { GoProgram } from './program.js';
import type { Site } from './sites.js';

/** Bytes of a direct call instruction, by GOARCH (the ones sites.ts finds calls on). */
const CALL_LENGTH: Readonly<Record<string, number>> = { amd64: 5, '386': 5, arm64: 4, arm: 4 };

export class SiteIndex {
  private readonly byAddr = new Map<number, Site[]>();
  /** Bytes of a direct call on the program's GOARCH. */
  readonly callLength: number;

  constructor(p: GoProgram, sites: readonly Site[]) {
    const n = CALL_LENGTH[p.goarch];
    if (n === undefined) throw new InputError(p.file, undefined, `map call sites: GOARCH ${p.goarch} is not supported (amd64, arm64, 386, arm)`);
    this.callLength = n;
    for (const s of sites) {
      const l = this.byAddr.get(s.addr);
      if (l) l.push(s);
      else this.byAddr.set(s.addr, [s]);
    }
  }

  /** The sites whose CALL returns to `ret` (ends just before it), as perf's call chains give a caller. */
  returningTo(ret: number): readonly Site[] | undefined {
    return this.byAddr.get(ret - this.callLength);
  }

  /** The sites whose CALL instruction holds `pc`, as runtime/pprof gives a caller (return address minus one). */
  holding(pc: number): readonly Site[] | undefined {
    for (let d = 0; d < this.callLength; d++) {
      const l = this.byAddr.get(pc - d);
      if (l) return l;
    }
    return undefined;
  }
}
