/**
 * Machine-code decoding through Capstone 5 (the npm package
 * @alexaltea/capstone-js, Capstone compiled to WebAssembly).
 *
 * The package's own `disasm` builds a JavaScript object per instruction with
 * a dozen heap reads each; whole-binary scans need less. So this wrapper calls
 * `cs_disasm` itself and reads the three fields it uses (address, size, text)
 * straight out of the `cs_insn` array in the module's memory. Offsets are
 * Capstone 5's `cs_insn` in wasm32: id u32 @0, address u64 @8, size u16 @16,
 * bytes[24] @18, mnemonic[32] @42, op_str[160] @74, detail* @236; 240 bytes.
 *
 * Capstone stops at the first byte sequence it cannot decode. The decoder then
 * emits one `(bad)` unit (1 byte on x86, 4 elsewhere: the fixed width) and
 * resumes after it, as `go tool objdump` prints `?` and moves on, so one bad
 * word never hides the rest of a function.
 *
 * x86 uses AT&T syntax: it is what `go tool objdump -gnu` prints beside Go's
 * own syntax, so the oracle compares like with like (docs/disasm.md).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InputError } from '../base/errors.js';

export interface Insn {
  addr: number;
  size: number;
  /** Lower-case mnemonic as Capstone prints it (`movq`, `ldr`, `(bad)`). */
  mnemonic: string;
  /** Operand text (AT&T on x86). */
  ops: string;
  /** The operands split at top-level commas, filled in by the data-flow pass the first time it needs them. */
  split?: string[];
}

/**
 * Architectures mapscope decodes, by GOARCH: those whose decoding is checked
 * against go tool objdump (test/disasm-oracle.test.ts). Capstone 5.0.9 also
 * has RISC-V, PowerPC and SystemZ decoders, but they reject instructions Go
 * 1.27 emits in the runtime's map code (seen on riscv64, ppc64le and s390x
 * builds), so those GOARCHes are refused rather than listed with holes.
 */
export const DECODABLE = ['amd64', '386', 'arm64', 'arm'] as const;
export type DecodableArch = (typeof DECODABLE)[number];

interface CsModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _cs_open(arch: number, mode: number, handlePtr: number): number;
  _cs_option(h: number, opt: number, value: number): number;
  _cs_disasm(h: number, code: number, size: number, addr: bigint, count: number, insnPtr: number): number;
  _cs_free(p: number, n: number): void;
  getValue(p: number, t: string): number;
  [k: string]: unknown;
}

type Factory = (arg: Record<string, unknown>) => Promise<CsModule>;

const INSN_SIZE = 240;
let loaded: Promise<{ cs: CsModule; memory: WebAssembly.Memory }> | undefined;

function load(): Promise<{ cs: CsModule; memory: WebAssembly.Memory }> {
  loaded ??= (async () => {
    const req = createRequire(import.meta.url);
    const factory = req('@alexaltea/capstone-js') as Factory;
    const wasm = readFileSync(req.resolve('@alexaltea/capstone-js/dist/capstone.wasm'));
    let memory: WebAssembly.Memory | undefined;
    const cs = await factory({
      // Emscripten's documented hook: we instantiate, so we hold the memory export.
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        void WebAssembly.instantiate(wasm, imports).then((r) => {
          for (const v of Object.values(r.instance.exports)) if (v instanceof WebAssembly.Memory) memory = v;
          done(r.instance, r.module);
        });
        return {};
      },
    });
    if (!memory) throw new Error('capstone: the WebAssembly module exports no memory');
    return { cs, memory };
  })();
  return loaded;
}

export class Decoder {
  private codePtr = 0;
  private codeCap = 0;
  private readonly outPtr: number;

  private constructor(
    readonly arch: DecodableArch,
    private readonly cs: CsModule,
    private readonly memory: WebAssembly.Memory,
    private readonly handle: number,
    /** Width of one undecodable unit. */
    readonly unit: number,
  ) {
    this.outPtr = cs._malloc(4);
  }

  static async create(arch: string): Promise<Decoder> {
    if (!(DECODABLE as readonly string[]).includes(arch)) {
      throw new InputError('GOARCH', undefined, `${arch} is not supported by the disassembler (supported: ${DECODABLE.join(', ')})`);
    }
    const a = arch as DecodableArch;
    const { cs, memory } = await load();
    const c = (k: string) => cs[k] as number;
    const [csArch, mode, unit] = ({
      amd64: [c('ARCH_X86'), c('MODE_64'), 1],
      '386': [c('ARCH_X86'), c('MODE_32'), 1],
      arm64: [c('ARCH_ARM64'), c('MODE_ARM'), 4],
      arm: [c('ARCH_ARM'), c('MODE_ARM'), 4],
    } as const)[a];
    const hp = cs._malloc(4);
    const err = cs._cs_open(csArch, mode >>> 0, hp);
    if (err !== 0) throw new Error(`capstone: cs_open(${arch}) failed with code ${err}`);
    const handle = cs.getValue(hp, 'i32');
    cs._free(hp);
    if (a === 'amd64' || a === '386') cs._cs_option(handle, c('OPT_SYNTAX'), c('OPT_SYNTAX_ATT'));
    return new Decoder(a, cs, memory, handle, unit);
  }

  /** Decodes every instruction of `code`, which starts at `addr`. */
  decode(code: Uint8Array, addr: number): Insn[] {
    const out: Insn[] = [];
    if (code.length === 0) return out;
    if (code.length > this.codeCap) {
      if (this.codePtr) this.cs._free(this.codePtr);
      this.codeCap = Math.max(code.length, 1 << 16);
      this.codePtr = this.cs._malloc(this.codeCap);
    }
    new Uint8Array(this.memory.buffer).set(code, this.codePtr);
    let off = 0;
    while (off < code.length) {
      const n = this.cs._cs_disasm(this.handle, this.codePtr + off, code.length - off, BigInt(addr + off), 0, this.outPtr);
      let used = 0;
      if (n > 0) {
        const base = this.cs.getValue(this.outPtr, 'i32');
        // Views taken after the call: cs_disasm may have grown the memory.
        const heap = Buffer.from(this.memory.buffer);
        for (let i = 0; i < n; i++) {
          const p = base + i * INSN_SIZE;
          const size = heap[p + 16] | (heap[p + 17] << 8);
          out.push({ addr: addr + off + used, size, mnemonic: cstr(heap, p + 42, 32), ops: cstr(heap, p + 74, 160), split: undefined });
          used += size;
        }
        this.cs._cs_free(base, n);
      }
      off += used;
      if (off < code.length) {
        const size = Math.min(this.unit, code.length - off);
        out.push({ addr: addr + off, size, mnemonic: '(bad)', ops: '', split: undefined });
        off += size;
      }
    }
    return out;
  }
}

/** The NUL-terminated ASCII string at p (at most max bytes), decoded natively rather than byte by byte. */
function cstr(h: Buffer, p: number, max: number): string {
  let e = h.indexOf(0, p);
  if (e < 0 || e > p + max) e = p + max;
  return h.toString('latin1', p, e);
}
