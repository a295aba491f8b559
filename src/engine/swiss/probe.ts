// H1, H2 and the probe sequence (table.go probeSeq): the runtime's facts, in src/model/runtime/swiss.ts.
export { ProbeSeq, h1, h2, h2Lo, probeStart, probeNext } from '../../model/runtime/index.js';
