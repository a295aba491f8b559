/**
 * x86-TSO, herd's x86tso.cat (X86) — x86tso-mixed.cat (X86_64) says the same
 * for single-size tests:
 *
 *   let com = rf | fr | co
 *   acyclic po-loc | amo | com                       (uniproc)
 *   empty rmw & (fre;coe)                            (atomicity)
 *   let po_ghb = WW(po) | RM(po)                     (po minus W→R)
 *   let mfence = fencerel(MFENCE)
 *   let implied = MA(WR(po)) | AM(WR(po))            (a locked access on either side of W→R)
 *   let ghb = mfence | implied | po_ghb | rfe | fr | co
 *   acyclic ghb as tso
 *
 * rf is in ghb only as rfe: a thread may read its own buffered store early.
 */
import type { Execution } from '../execution.js';
import { Rel, Set_ } from '../rel.js';
import type { Model } from './model.js';

export const tso: Model = {
  name: 'tso',
  cat: 'x86tso.cat',
  check(x: Execution) {
    const M = x.M;
    const poM = x.po.restrict(M, M);
    const poLoc = poM.inter(x.loc);
    if (!poLoc.union(x.amo, x.rf, x.fr, x.co).acyclic()) return 'uniproc';
    const fre = x.fr.inter(x.ext);
    const coe = x.co.inter(x.ext);
    if (!x.rmw.inter(fre.seq(coe)).isEmpty()) return 'atomic';
    const ppo = poM.restrict(x.W, x.W).union(poM.restrict(x.R, M));
    const MF = Set_.of(x.n, (a) => x.events[a].kind === 'F' && x.events[a].loc === 'MFENCE');
    const mfence = x.po.restrict(M, MF).seq(x.po.restrict(MF, M));
    const A = Set_.of(x.n, (a) => x.events[a].atomic);
    const poWR = poM.restrict(x.W, x.R);
    const implied = poWR.restrict(null, A).union(poWR.restrict(A, null));
    const rfe = x.rf.inter(x.ext);
    const ghb: Rel = mfence.union(implied, ppo, rfe, x.fr, x.co);
    if (!ghb.acyclic()) return 'tso';
    return null;
  },
};
