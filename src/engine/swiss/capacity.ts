// Table sizing (maxTableCapacity, maxAvgGroupLoad, maxGrowthLeft, depthToShift): the runtime's facts,
// in src/model/runtime/swiss.ts, shared with the checker.
export { MAX_TABLE_CAPACITY, MAX_AVG_GROUP_LOAD, maxGrowthLeft, depthToShift } from '../../model/runtime/index.js';
