/**
 * ARMv8 AArch64, as herd's current aarch64.cat (with aarch64hwreqs.cat and
 * aarch64deps.cat) defines it for tests without VMSA, MTE or instruction
 * fetch — so every access is Explicit (Exp = M), and Imp/TTD/Tag sets are empty.
 *
 * Dependencies (aarch64deps.cat) come from the register taint computed in
 * ../exec.ts: `dtrm` gives addr, data, ctrl; `pick-dtrm` (dtrm | iico_ctrl)
 * gives the pick-* variants.
 *
 *   lmws = [M]; po-loc; [W]
 *   lmrs = [W]; (po-loc \ intervening(W, po-loc)); [R]
 *   DSB-ob = [M]; po; [dsb.full]; po | [R \ NoRet]; po; [dsb.ld]; po | [W]; po; [dsb.st]; po
 *   IFB-ob = [R]; ctrl; [ISB]; po | [R]; pick-ctrl-dep; [ISB]; po
 *          | [R]; addr; [M]; po; [ISB]; po | [R]; pick-addr-dep; [M]; po; [ISB]; po
 *          | DSB-ob; [ISB]; po
 *   dob = addr | data | ctrl; [W] | addr; [M]; po; [W]
 *       | addr; [M]; lmrs; [R] | data; [M]; lmrs; [R]
 *   pob = pick-addr-dep; [W] | pick-data-dep | pick-ctrl-dep; [W] | pick-addr-dep; [M]; po; [W]
 *   aob = [M]; rmw; [M] | [M]; rmw; lmrs; [R & (A | Q)]
 *   bob = [M]; po; [dmb.full]; po; [M]
 *       | [R \ NoRet]; po; [dmb.ld]; po; [M]
 *       | [W]; po; [dmb.st]; po; [W]
 *       | [range([R & A]; amo; [W & L])]; po; [M]
 *       | [W & L]; po; [R & A]
 *       | [R & (A | Q)]; po; [M]
 *       | [M]; po; [W & L]
 *     (dmb.X includes dsb.X: herd treats DSB as at least a DMB)
 *   lob = (DSB-ob | IFB-ob | lmws | dob | pob | aob | bob)+
 *   pick-lob = pick-dep; lob; [W]
 *   local-hw-reqs = (lob | pick-lob)+
 *   Exp-haz-ob = [R]; po-loc; [R]; (ca & ext); [W]
 *   obs = rf & ext | ca & ext
 *   ob = (local-hw-reqs | Exp-haz-ob | obs)+
 *
 *   irreflexive ob                                          as external
 *   irreflexive [R]; (po-loc | rmw); [W]; rfi; [R]          as coRW1
 *   irreflexive [W]; po-loc; [W]; (ca & int); [W]           as coWW
 *   irreflexive [W]; po-loc; [R]; (ca & int); [W]           as coWR
 *   empty (rmw & (fr; co)) \ (rmw & (fri; [W]; coi))        as atomic
 */
import type { Execution } from '../execution.js';
import { Set_ } from '../rel.js';
import type { Model } from './model.js';

export const aarch64: Model = {
  name: 'aarch64',
  cat: 'aarch64.cat',
  check(x: Execution) {
    const { M, R, W, po } = x;
    const n = x.n;
    const ev = x.events;
    const fence = (kind: string) => Set_.of(n, (a) => ev[a].kind === 'F' && ev[a].loc === kind);
    const dsbFull = fence('DSB.FULL');
    const dsbLd = fence('DSB.LD');
    const dsbSt = fence('DSB.ST');
    const dmbFull = fence('DMB.FULL').union(dsbFull);
    const dmbLd = fence('DMB.LD').union(dsbLd);
    const dmbSt = fence('DMB.ST').union(dsbSt);
    const ISB = fence('ISB');
    const A = Set_.of(n, (a) => ev[a].kind === 'R' && ev[a].acq === 'A');
    const AQ = Set_.of(n, (a) => ev[a].kind === 'R' && ev[a].acq !== null);
    const L = Set_.of(n, (a) => ev[a].kind === 'W' && ev[a].rel);
    const RnoRet = Set_.of(n, (a) => ev[a].kind === 'R' && !ev[a].noret);

    const poLoc = po.inter(x.loc);
    const ca = x.fr.union(x.co);
    const int = x.int;
    const ext = x.ext;
    const rfi = x.rf.inter(int);

    // Internal visibility requirements.
    const coRW1 = poLoc.union(x.rmw).restrict(R, W).seq(rfi.restrict(null, R));
    if (!coRW1.irreflexive()) return 'coRW1';
    const caInt = ca.inter(int).restrict(null, W);
    if (!poLoc.restrict(W, W).seq(caInt).irreflexive()) return 'coWW';
    if (!poLoc.restrict(W, R).seq(caInt).irreflexive()) return 'coWR';

    // Atomicity.
    const fri = x.fr.inter(int);
    const coi = x.co.inter(int);
    const bad = x.rmw.inter(x.fr.seq(x.co)).minus(x.rmw.inter(fri.restrict(null, W).seq(coi)));
    if (!bad.isEmpty()) return 'atomic';

    const lmws = poLoc.restrict(M, W);
    const lmrs = poLoc.restrict(W, R).minus(poLoc.restrict(null, W).seq(poLoc));
    const between = (s: Set_) => po.restrict(null, s).seq(po);
    const addr = x.addr.restrict(R, null);
    const data = x.data.restrict(R, W);
    const ctrl = x.ctrl.restrict(R, null);
    const paddr = x.paddr.restrict(R, null);
    const pdata = x.pdata.restrict(R, W);
    const pctrl = x.pctrl.restrict(R, null);

    const dsbOb = between(dsbFull).restrict(M, null).union(between(dsbLd).restrict(RnoRet, null), between(dsbSt).restrict(W, null));
    const isbPo = po.restrict(ISB, null);
    const poIsb = po.restrict(null, ISB);
    const ifb = ctrl
      .union(pctrl)
      .restrict(null, ISB)
      .seq(isbPo)
      .union(addr.union(paddr).restrict(null, M).seq(poIsb).seq(isbPo), dsbOb.restrict(null, ISB).seq(isbPo));
    const dob = addr
      .union(data, ctrl.restrict(null, W), addr.restrict(null, M).seq(po).restrict(null, W))
      .union(addr.union(data).restrict(null, M).seq(lmrs));
    const pob = paddr
      .restrict(null, W)
      .union(pdata, pctrl.restrict(null, W), paddr.restrict(null, M).seq(po).restrict(null, W));
    const rmwM = x.rmw.restrict(M, M);
    const aob = rmwM.union(rmwM.seq(lmrs).restrict(null, AQ));
    const alAmoW = x.amo.restrict(A, L).range();
    const bob = between(dmbFull)
      .restrict(M, M)
      .union(
        between(dmbLd).restrict(RnoRet, M),
        between(dmbSt).restrict(W, W),
        po.restrict(alAmoW, M),
        po.restrict(L, A),
        po.restrict(AQ, M),
        po.restrict(M, L),
      );
    const lob = dsbOb.union(ifb, lmws, dob, pob, aob, bob).plus();
    const pickDep = x.pbasic.union(paddr, pdata, pctrl).restrict(R, null).minus(x.sameInstance);
    const pickLob = pickDep.seq(lob).restrict(null, W);
    const hw = lob.union(pickLob).plus();
    const caExt = ca.inter(ext);
    const haz = poLoc.restrict(R, R).seq(caExt.restrict(R, W));
    const obs = x.rf.inter(ext).union(caExt).restrict(M, M);
    const ob = hw.union(haz, obs).plus();
    if (!ob.irreflexive()) return 'external';
    return null;
  },
};
