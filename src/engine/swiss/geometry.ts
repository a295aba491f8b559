// Where slot i's key and elem sit in a group: a layout fact (src/layout/geometry.ts), shared with the checker.
export { slotGeometry, type SlotGeometry } from '../../layout/geometry.js';
