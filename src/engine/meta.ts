/**
 * The fields every snapshot opens with, in the order docs/json.md gives:
 * the target (`go`, `arch`, `experiment`), the map type as reflect spells it,
 * and the `hash` inputs, so a snapshot can be checked or replayed alone.
 */
export interface SnapshotMeta<H> {
  readonly go: string;
  readonly arch: string;
  readonly experiment: string;
  readonly type: string;
  readonly hash: H;
}

/** The meta fields alone, in snapshot order (a snapshot spreads them first). */
export function metaFields<H>(meta: SnapshotMeta<H>): SnapshotMeta<H> {
  return { go: meta.go, arch: meta.arch, experiment: meta.experiment, type: meta.type, hash: meta.hash };
}
