/**
 * Go releases mapscope models, and which map implementation each one builds.
 *
 * - Go 1.13–1.23: classic maps (buckets of 8 with tophash bytes).
 * - Go 1.24–1.25: Swiss tables by default; `GOEXPERIMENT=noswissmap` builds
 *   classic maps (go1.24.4:src/internal/buildcfg/exp.go, SwissMap on in the
 *   baseline).
 * - Go 1.26+: Swiss only; the experiment no longer exists (1.26 rejects
 *   GOEXPERIMENT=noswissmap as unknown).
 */
import { InputError } from '../base/errors.js';

export interface GoVersion {
  readonly major: 1;
  readonly minor: number;
  /** Patch level when known (go1.23.5), else undefined. */
  readonly patch?: number;
}

export type MapImpl = 'classic' | 'swiss';
export type Experiment = '' | 'noswissmap';

export const OLDEST_MINOR = 13;
export const NEWEST_MINOR = 27;

/** Every minor release mapscope models, oldest first. */
export const GO_MINORS: readonly number[] = Array.from(
  { length: NEWEST_MINOR - OLDEST_MINOR + 1 },
  (_, i) => OLDEST_MINOR + i,
);

/** Parses `1.23`, `go1.23`, `1.23.5`, `go1.24.4 X:noswissmap` (the experiment suffix is ignored here). */
export function parseGoVersion(text: string, source = 'go version'): GoVersion {
  const m = /^(?:go)?1\.(\d+)(?:\.(\d+))?(?:(?:rc|beta)\d+)?(?:\s.*)?$/.exec(text.trim());
  if (!m) throw new InputError(source, undefined, `bad Go version ${JSON.stringify(text)} (expected e.g. 1.23 or go1.24.4)`);
  const minor = Number(m[1]);
  if (minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
    throw new InputError(
      source,
      undefined,
      `Go ${text.trim()} is outside what mapscope models (1.${OLDEST_MINOR} to 1.${NEWEST_MINOR})`,
    );
  }
  return m[2] === undefined ? { major: 1, minor } : { major: 1, minor, patch: Number(m[2]) };
}

export function goVersionString(v: GoVersion): string {
  return v.patch === undefined ? `1.${v.minor}` : `1.${v.minor}.${v.patch}`;
}

/** Validates the experiment for the version, as the go command would. */
export function parseExperiment(text: string | undefined, v: GoVersion, source = 'experiment'): Experiment {
  const e = (text ?? '').trim();
  if (e === '' || e === 'swissmap' && v.minor >= 24) return '';
  if (e !== 'noswissmap') {
    throw new InputError(source, undefined, `unknown or unsupported GOEXPERIMENT ${JSON.stringify(e)} (mapscope knows noswissmap)`);
  }
  if (v.minor < 24) return ''; // classic already: the experiment does not exist yet, and changes nothing
  if (v.minor >= 26) {
    throw new InputError(source, undefined, `GOEXPERIMENT=noswissmap does not exist in Go 1.${v.minor} (removed in 1.26)`);
  }
  return 'noswissmap';
}

export function mapImplFor(v: GoVersion, experiment: Experiment): MapImpl {
  return v.minor >= 24 && experiment !== 'noswissmap' ? 'swiss' : 'classic';
}
