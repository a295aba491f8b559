/**
 * Barriers and atomics, named by what they order.
 *
 * x86 (Intel SDM vol. 3A §9.2): LOCK-prefixed read-modify-writes and XCHG
 * with memory (implicitly locked) are full barriers; MFENCE is a full fence;
 * LFENCE/SFENCE order only loads/stores. Plain MOVs are ordered by x86-TSO.
 * arm64 (Arm ARM B2.3): DMB/DSB barriers with their domain and type, ISB;
 * LDAR (acquire), LDAPR (acquire, RCpc), STLR (release); exclusives
 * LDXR/LDAXR/STXR/STLXR; the LSE atomics (LDADD, SWP, CAS, LDCLR, LDSET,
 * LDEOR, …) whose A/L/AL suffix gives acquire/release/both.
 * arm (32-bit): DMB/DSB/ISB, LDREX/STREX, and the v8 LDA/STL forms.
 * Everything else returns undefined: a plain access, ordered only by the
 * architecture's model (see `mapscope litmus` for what that allows).
 */
import type { Insn } from './decoder.js';

function lseSuffix(mn: string, base: string): string {
  const s = mn.slice(base.length).replace(/[bh]$/, '');
  return s === 'al' ? 'acquire+release' : s === 'a' ? 'acquire' : s === 'l' ? 'release' : 'relaxed';
}

export function ordering(goarch: string, ins: Insn): string | undefined {
  const mn = ins.mnemonic;
  if (goarch === 'amd64' || goarch === '386') {
    if (mn.startsWith('lock ')) return `LOCK ${mn.slice(5)}: atomic, full barrier`;
    if (/^xchg/.test(mn) && ins.ops.includes('(')) return 'XCHG with memory: implicitly locked, full barrier';
    if (mn === 'mfence') return 'MFENCE: full fence';
    if (mn === 'lfence') return 'LFENCE: orders loads';
    if (mn === 'sfence') return 'SFENCE: orders stores';
    return undefined;
  }
  if (goarch === 'arm64') {
    if (mn === 'dmb' || mn === 'dsb') return `${mn.toUpperCase()} ${ins.ops}: barrier`;
    if (mn === 'isb') return 'ISB: instruction barrier';
    if (/^ldapr/.test(mn)) return 'LDAPR: load-acquire (RCpc)';
    if (/^ldar/.test(mn)) return 'LDAR: load-acquire';
    if (/^stlr/.test(mn)) return 'STLR: store-release';
    if (/^ldaxr|^ldaxp/.test(mn)) return `${mn.toUpperCase()}: exclusive load-acquire`;
    if (/^ldxr|^ldxp/.test(mn)) return `${mn.toUpperCase()}: exclusive load`;
    if (/^stlxr|^stlxp/.test(mn)) return `${mn.toUpperCase()}: exclusive store-release`;
    if (/^stxr|^stxp/.test(mn)) return `${mn.toUpperCase()}: exclusive store`;
    for (const base of ['ldadd', 'ldclr', 'ldset', 'ldeor', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp', 'casp', 'cas', 'stadd', 'stclr', 'stset', 'steor']) {
      if (mn.startsWith(base)) return `${mn.toUpperCase()}: LSE atomic, ${lseSuffix(mn, base)}`;
    }
    return undefined;
  }
  if (goarch === 'arm') {
    if (mn === 'dmb' || mn === 'dsb') return `${mn.toUpperCase()} ${ins.ops}: barrier`;
    if (mn === 'isb') return 'ISB: instruction barrier';
    if (/^ldrex/.test(mn)) return `${mn.toUpperCase()}: exclusive load`;
    if (/^strex/.test(mn)) return `${mn.toUpperCase()}: exclusive store`;
    if (/^ldaex/.test(mn)) return `${mn.toUpperCase()}: exclusive load-acquire`;
    if (/^stlex/.test(mn)) return `${mn.toUpperCase()}: exclusive store-release`;
    if (/^lda[bh]?$/.test(mn)) return `${mn.toUpperCase()}: load-acquire`;
    if (/^stl[bh]?$/.test(mn)) return `${mn.toUpperCase()}: store-release`;
  }
  return undefined;
}
