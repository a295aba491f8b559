/**
 * The parsed form of a herd `.litmus` test, shared by every architecture.
 *
 * Each architecture's parser (./aarch64.ts, ./x86.ts) turns its assembly into
 * the small instruction set below; the executor (./exec.ts) only knows these
 * operations, so the models never see assembly syntax.
 */
import type { BinOp, Val } from './values.js';

export type Arch = 'AArch64' | 'X86' | 'X86_64';

/** A register operand: canonical name (X3, rax, EAX, NZCV) and access width. */
export interface RegRef {
  readonly name: string;
  readonly bits: 8 | 16 | 32 | 64;
  /** Reads as zero, writes are dropped (XZR/WZR). */
  readonly zero?: boolean;
}

export type Shift = { readonly op: 'lsl' | 'lsr' | 'asr' | 'ror'; readonly amount: number } | { readonly op: 'sxtw' | 'uxtw'; readonly amount: number };

export type Operand =
  | { readonly kind: 'reg'; readonly reg: RegRef; readonly shift?: Shift }
  | { readonly kind: 'imm'; readonly val: Val };

/** An effective address: base register or symbol, plus an optional index or immediate. */
export interface AddrMode {
  readonly base: { readonly kind: 'reg'; readonly reg: RegRef } | { readonly kind: 'sym'; readonly sym: string };
  readonly index?: Operand;
  /** Offset added before the access (LDR X0,[X1,#8]); written back for pre-index ([X1,#8]!). */
  readonly offset?: bigint;
  readonly writeback?: 'pre' | 'post';
  /** Post-index amount (LDR X0,[X1],#8). */
  readonly post?: bigint;
}

/** Condition codes, AArch64 names; x86 Jcc maps onto them. */
export type Cond = 'EQ' | 'NE' | 'GE' | 'LT' | 'GT' | 'LE' | 'HS' | 'LO' | 'HI' | 'LS' | 'MI' | 'PL' | 'AL';

export type FenceKind = string; // DMB.FULL, DMB.LD, DMB.ST, DSB.FULL, DSB.LD, DSB.ST, ISB, MFENCE, LFENCE, SFENCE

export type Instr =
  | { readonly op: 'nop' }
  | { readonly op: 'mov'; readonly dst: RegRef; readonly src: Operand }
  | { readonly op: 'alu'; readonly fn: BinOp; readonly dst: RegRef | null; readonly a: Operand; readonly b: Operand; readonly flags: boolean; readonly bits: 32 | 64 }
  | { readonly op: 'csel'; readonly dst: RegRef; readonly cond: Cond; readonly a: RegRef; readonly b: RegRef; readonly variant: 'sel' | 'inc' | 'inv' | 'neg' }
  | { readonly op: 'branch'; readonly target: string | { readonly skip: number }; readonly test: BranchTest }
  | { readonly op: 'load'; readonly dst: RegRef; readonly addr: AddrMode; readonly bits: number; readonly acq: 'A' | 'Q' | null; readonly excl: boolean }
  | { readonly op: 'store'; readonly src: Operand; readonly addr: AddrMode; readonly bits: number; readonly rel: boolean; readonly status: RegRef | null }
  | { readonly op: 'fence'; readonly kind: FenceKind; /** Barrier option as written (ISH, OSHST…), for herd's shareability flag. */ readonly option?: string }
  | {
      readonly op: 'rmw';
      /** swp: write rs; ldop: write old `fn` rs; cas: write rt if old == rs, rs := old. */
      readonly kind: 'swp' | 'ldop' | 'cas';
      readonly fn?: BinOp;
      readonly rs: Operand;
      readonly rt: RegRef | null;
      readonly addr: AddrMode;
      readonly bits: number;
      readonly acq: boolean;
      readonly rel: boolean;
      /** The returned value is discarded (XZR destination, STADD): herd's NoRet read. */
      readonly noret: boolean;
      /** x86 locked instructions: also set flags? not modelled; kept for printing. */
      readonly locked?: boolean;
    };

export type BranchTest =
  | { readonly kind: 'always' }
  | { readonly kind: 'flags'; readonly cond: Cond }
  | { readonly kind: 'zero' | 'nonzero'; readonly reg: RegRef };

export interface Line<T> {
  readonly item: T;
  readonly line: number;
  readonly text: string;
}

export interface Thread {
  readonly id: number;
  readonly code: Line<Instr>[];
  /** Label name → index into code of the instruction that follows it. */
  readonly labels: Map<string, number>;
}

/** A condition atom: a final register value or a final memory value. */
export type Loc = { readonly kind: 'reg'; readonly thread: number; readonly reg: string } | { readonly kind: 'mem'; readonly loc: string };

export type Prop =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'eq'; readonly loc: Loc; readonly val: Val }
  | { readonly kind: 'not'; readonly p: Prop }
  | { readonly kind: 'and' | 'or' | 'implies'; readonly a: Prop; readonly b: Prop };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface LitmusTest {
  readonly arch: Arch;
  readonly name: string;
  readonly source: string;
  readonly doc: string | null;
  readonly info: Map<string, string>;
  /** Initial register values, keyed `T:REG` with canonical register names. */
  readonly initRegs: Map<string, Val>;
  /** Initial memory values (every location the test mentions appears here). */
  readonly initMem: Map<string, Val>;
  /** Declared C types (`T:REG` or location) for printing values. */
  readonly types: Map<string, string>;
  readonly threads: Thread[];
  readonly locations: Loc[];
  readonly filter: Prop | null;
  readonly quantifier: Quantifier;
  readonly prop: Prop;
}
