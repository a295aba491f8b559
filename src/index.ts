/** mapscope's library API. */
export { InputError, UsageError } from './base/errors.js';
// Reading Go executables (issue 6): one Inspection per object (a fat Mach-O gives one per slice).
export { inspectBytes, inspectObject, functionTable, type Inspection } from './inspect/inspect.js';
export { openObjects } from './binary/open.js';
export { Memory, type ObjectFile } from './binary/object.js';
export type { MapInfo } from './binary/mapdesc.js';
