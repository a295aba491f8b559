/**
 * Table sizing facts (maps/table.go), pure so the engine and the checker
 * (src/check/swiss) share them: a table holds at most maxTableCapacity
 * slots, grows at 7/8 load, and a one-group table keeps one slot empty so
 * a probe always ends.
 */
import { SLOTS } from './ctrl.js';

/** maxTableCapacity: beyond this a table splits instead of growing. */
export const MAX_TABLE_CAPACITY = 1024;
/** maxAvgGroupLoad: a table grows before it holds more than 7 slots per group on average. */
export const MAX_AVG_GROUP_LOAD = 7;

/** table.maxGrowthLeft: capacity-1 for a one-group table, else 7/8 of the capacity. */
export function maxGrowthLeft(capacity: number): number {
  return capacity <= SLOTS ? capacity - 1 : (capacity * MAX_AVG_GROUP_LOAD) / SLOTS;
}

/**
 * depthToShift (maps/map.go): the directory index is the hash's top
 * globalDepth bits, hash >> (hashBits - globalDepth).
 */
export function depthToShift(hashBits: 32 | 64, depth: number): number {
  return hashBits - depth;
}
