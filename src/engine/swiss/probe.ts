// H1, H2 and the probe sequence (table.go probeSeq): the runtime's facts, in src/model/runtime/swiss.ts.
export { ProbeSeq, h1, h2 } from '../../model/runtime/index.js';
