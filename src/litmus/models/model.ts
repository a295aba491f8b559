/**
 * A memory model is a predicate on candidate executions, written as herd's
 * .cat files write it: relations built from the execution's base relations,
 * then `acyclic`, `irreflexive` and `empty` checks. Each model lives in its own
 * file with the .cat text it restates.
 */
import type { Execution } from '../execution.js';

export interface Model {
  /** Short name used on the command line: sc, tso, aarch64. */
  readonly name: string;
  /** The herd .cat file this restates. */
  readonly cat: string;
  /** The name of the first failed check, or null when the execution is allowed. */
  check(x: Execution): string | null;
}
