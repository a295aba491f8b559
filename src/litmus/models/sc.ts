/**
 * Sequential consistency, herd's sc.cat:
 *
 *   empty rmw & (fre;coe) as atom
 *   acyclic po | ((fr | rf | co);sm) as sc
 *
 * with rmw added to po (herd HEAD commit a5c974bf7 "Add rmw to po": the read
 * and write of one atomic instruction are not po-related in herd's event
 * structure, and without it a SWP could read another thread's write yet be
 * co-before it). sm is the identity in single-size tests.
 */
import type { Execution } from '../execution.js';
import type { Model } from './model.js';

export const sc: Model = {
  name: 'sc',
  cat: 'sc.cat',
  check(x: Execution) {
    const fre = x.fr.inter(x.ext);
    const coe = x.co.inter(x.ext);
    if (!x.rmw.inter(fre.seq(coe)).isEmpty()) return 'atom';
    const po = x.po.restrict(x.M, x.M);
    if (!po.union(x.rmw, x.rf, x.co, x.fr).acyclic()) return 'sc';
    return null;
  },
};
